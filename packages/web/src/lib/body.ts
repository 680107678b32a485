import xmlFormat from 'xml-formatter';

export type BodyKind = 'json' | 'xml' | 'form' | 'text';

/** What a body is, from its content type first and its first character otherwise. */
export function bodyKind(body: string, contentType: string | undefined): BodyKind {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  if (type.includes('x-www-form-urlencoded')) return 'form';
  const start = body.trimStart()[0];
  if (start === '{' || start === '[') return 'json';
  if (start === '<') return 'xml';
  return 'text';
}

/** The body pretty-printed for reading; a body that does not parse is shown as it came. */
export function prettyBody(body: string, kind: BodyKind): string {
  try {
    if (kind === 'json') return JSON.stringify(JSON.parse(body), null, 2);
    if (kind === 'xml')
      return xmlFormat(body, { indentation: '  ', collapseContent: true, lineSeparator: '\n' });
    if (kind === 'form')
      return [...new URLSearchParams(body)].map(([key, value]) => `${key} = ${value}`).join('\n');
  } catch {
    return body;
  }
  return body;
}
