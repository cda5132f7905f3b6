/**
 * hono/jsx renders without AsyncLocalStorage here (patches/hono+4.13.19.patch, applied by
 * `npm install` through patch-package). On Node 20 an AsyncLocalStorage turns on promise hooks
 * for the whole process at the first render, and every promise after that pays for them: a
 * fifth of a thread fragment's CPU (README, "Both engines side by side").
 *
 * Without it, hono keeps a render's context store for its synchronous stretch and hands it on
 * when an async component resumes; a component that read a JSX context *after its own await*
 * would get the default instead. These tests hold the three parts of that bargain: the patch is
 * in place, rendering still nests what hono keeps in context (an SVG's attribute names) on both
 * sides of an await, and none of our code reads or provides a JSX context.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FC } from 'hono/jsx';

const ROOT = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('hono/jsx without AsyncLocalStorage', () => {
  it("is patched in both of hono's builds", () => {
    for (const build of ['dist/jsx', 'dist/cjs/jsx']) {
      const file = join(ROOT, 'node_modules/hono', build, 'context.js');
      const text = readFileSync(file, 'utf8');
      expect(text, file).toContain('Marginalia (patches/hono+4.13.19.patch)');
      expect(text, file).not.toContain('new AsyncLocalStorage()');
    }
  });

  it('renders SVG attribute names inside an async component, before and after its await', async () => {
    const Icon: FC = () => (
      <svg viewBox="0 0 10 10">
        <path strokeWidth="2" d="M0 0" />
      </svg>
    );
    const Later: FC = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return (
        <span>
          <Icon />
        </span>
      );
    };
    const html = String(
      await (
        <main>
          <Icon />
          <Later />
        </main>
      ).toString(),
    );
    expect(html.match(/stroke-width="2"/g)).toHaveLength(2);
    expect(html).not.toContain('strokeWidth');
    expect(html).toContain('viewBox="0 0 10 10"');
  });

  it('keeps two concurrent renders apart', async () => {
    const Slow: FC<{ label: string; ms: number }> = async ({ label, ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return <b>{label}</b>;
    };
    const [a, b] = await Promise.all([(<p><Slow label="one" ms={10} /></p>).toString(), (<p><Slow label="two" ms={1} /></p>).toString()]);
    expect(String(a)).toBe('<p><b>one</b></p>');
    expect(String(b)).toBe('<p><b>two</b></p>');
  });

  it('is safe because no code here reads or provides a JSX context', () => {
    const found = ['src', 'views']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .filter((file) => /\b(?:useContext|createContext)\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(found).toEqual([]);
  });
});
