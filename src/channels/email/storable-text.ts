/**
 * Text PostgreSQL can keep: it refuses NUL in `text` and in `jsonb`, and a lone UTF-16 surrogate
 * has no UTF-8 form. A mail can carry either (an encoded word `=?utf-8?B?AA==?=`, a UTF-16 body
 * cut in half); left in, the mail's transaction fails on every attempt and the mailbox never
 * moves past it. NUL is dropped and a lone surrogate becomes U+FFFD, as a decoder would show it.
 */
export function storableText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must go.
  return text.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\uFFFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
