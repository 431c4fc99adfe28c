/**
 * ESLint's message placeholders: `{{name}}` in a rule's meta.messages text replaced by the finding's data
 * (eslint/lib/linter/interpolate.js); a placeholder without data stays as written.
 */
export function fill(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (whole, name: string) => (name in data ? data[name] : whole));
}
