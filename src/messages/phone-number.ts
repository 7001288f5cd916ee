import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A phone number as an SMS gateway addresses it (E.164), or null when it cannot be one: what
 * staff typed ("55 1111 2222") or a gateway reported ("6505551212") is read in the municipality's region.
 */
export function toE164(phone: string | null | undefined, region: CountryCode): string | null {
  if (!phone) return null;
  const parsed = parsePhoneNumberFromString(phone.trim(), region);
  return parsed?.isPossible() ? parsed.number : null;
}
