const voidElements = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
const attributes = /^(\s+[a-zA-Z_:][\w:.-]*(="[^"<]*")?)*\s*$/;

/**
 * A tiny well-formedness check: every tag has well-quoted attributes, every non-void element
 * is closed in order, and text holds no stray `<` or unescaped `&`. Returns the problems found.
 */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>|<!DOCTYPE html>|<([^a-zA-Z/!])/g;
  let last = 0;
  for (let match = tag.exec(html); match !== null; match = tag.exec(html)) {
    const text = html.slice(last, match.index);
    last = tag.lastIndex;
    if (/&(?![a-zA-Z]+;|#\d+;)/.test(text)) problems.push(`unescaped & in text before offset ${match.index}`);
    if (match[5] !== undefined) {
      problems.push(`stray < at offset ${match.index}`);
      continue;
    }
    if (match[2] === undefined) continue; // the doctype
    const [, closing, rawName, attrs, selfClosing] = match;
    const name = rawName.toLowerCase();
    if (closing === '') {
      if (!attributes.test(attrs ?? '')) problems.push(`bad attributes on <${name}>: ${attrs}`);
      if (selfClosing === '' && !voidElements.has(name)) stack.push(name);
      if (name === 'style') {
        const end = html.indexOf('</style>', last);
        last = end; // CSS is not markup
        tag.lastIndex = end;
      }
      continue;
    }
    const open = stack.pop();
    if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}> at offset ${match.index}`);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}
