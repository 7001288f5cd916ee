/**
 * The image type the bytes themselves declare. A browser or platform may claim `image/jpeg` for
 * anything; what we store and later serve to staff is what the file really is.
 */
export function sniffImageType(data: Uint8Array): 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'image/heic' | undefined {
  const at = (offset: number, ...bytes: number[]) => bytes.every((b, i) => data[offset + i] === b);
  const ascii = (offset: number, text: string) => at(offset, ...[...text].map((c) => c.charCodeAt(0)));
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(4, 'ftyp') && ['heic', 'heix', 'mif1', 'msf1', 'heim', 'heis'].some((brand) => ascii(8, brand))) return 'image/heic';
  return undefined;
}
