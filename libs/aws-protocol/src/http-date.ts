let dateSecond = 0;
let dateText = '';

/** The current time as an HTTP date (for the `date` of an answer), made once a second. */
export function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
