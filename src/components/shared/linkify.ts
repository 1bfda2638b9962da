/** A run of message text: plain text, or a link whose `href` passed the scheme check. */
export type TextSegment = { readonly text: string; readonly href?: string };

// Candidates only; `new URL` decides. Anything not starting with http(s):// is never a link,
// so `javascript:`, `data:` and friends stay text.
const CANDIDATE = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that usually ends the sentence around a URL rather than the URL itself.
const TRAILING = '.,;:!?]}';

/**
 * Splits hostile message text into plain runs and safe http(s) links. The result is meant for
 * Lit text and attribute bindings only: nothing here is ever parsed as HTML.
 */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    const start = match.index ?? 0;
    if (start > last) segments.push({ text: text.slice(last, start) });
    segments.push({ text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0) {
    const char = url[end - 1];
    if (char === ')') {
      // A closing bracket belongs to the URL when it closes one opened inside it: …_(film)
      const head = url.slice(0, end);
      if (head.split('(').length >= head.split(')').length) break;
    } else if (!TRAILING.includes(char)) {
      break;
    }
    end--;
  }
  return url.slice(0, end);
}

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
