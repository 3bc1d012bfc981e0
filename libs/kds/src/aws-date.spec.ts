import { formatAwsDate } from './aws-date';

describe('formatAwsDate', () => {
  it("prints UTC times as Java's Date#toString does", () => {
    expect(formatAwsDate(Date.UTC(2015, 0, 22, 1, 22, 2))).toBe('Thu Jan 22 01:22:02 UTC 2015');
    expect(formatAwsDate(Date.UTC(2024, 11, 1, 23, 5, 9, 999))).toBe('Sun Dec 01 23:05:09 UTC 2024');
  });
});
