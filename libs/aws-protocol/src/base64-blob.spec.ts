import { decodeBase64Blob } from './base64-blob';
import { ServiceError } from './service-error';

function failure(text: string): ServiceError {
  try {
    decodeBase64Blob(text);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error(`${text} was accepted`);
}

describe('decodeBase64Blob', () => {
  it.each([
    ['', ''],
    ['aGk=', '6869'],
    ['aQ==', '69'],
    ['+/+/', 'fbffbf'],
  ])('decodes %j', (text, hex) => expect(decodeBase64Blob(text).toString('hex')).toBe(hex));

  it.each([
    ['23456', "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"],
    ['=+/=', "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
    ['ab-_', "'ab-_' can not be converted to a Blob: Invalid Base64 character: '-'"],
    ['+/+=', "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
    ['ab==', "'ab==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
    ['====', "'====' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
  ])('rejects %j as AWS words it', (text, message) => {
    const error = failure(text);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.type).toBe('SerializationException');
    expect(error.messageField).toBe('Message');
    expect(error.message).toBe(message);
  });
});
