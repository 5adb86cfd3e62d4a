import { decodeHTMLStrict } from "entities";
import { SaxesParser } from "saxes";
import { StatementError } from "./types";

/** An element of an OFX or CAMT file: its name without namespace prefix, its text and its children. */
export interface Element {
  name: string;
  line: number;
  text: string;
  children: Element[];
  /** XML attributes (CAMT's `Ccy`); OFX has none. */
  attributes?: Record<string, string>;
}

export function child(element: Element, name: string): Element | undefined {
  return element.children.find((c) => c.name === name);
}

export function children(element: Element, name: string): Element[] {
  return element.children.filter((c) => c.name === name);
}

/** The trimmed text of the element at a path of child names, or null. */
export function textAt(element: Element, ...path: string[]): string | null {
  let at: Element | undefined = element;
  for (const name of path) at = at && child(at, name);
  const text = at?.text.trim();
  return text ? text : null;
}

/** Every element of this name under `root`, in document order. */
export function findAll(root: Element, name: string): Element[] {
  const found: Element[] = [];
  const visit = (element: Element) => {
    for (const c of element.children) {
      if (c.name === name) found.push(c);
      else visit(c);
    }
  };
  visit(root);
  return found;
}

const cutOff = (name: string, line: number) =>
  `the file ends inside <${name}> opened on line ${line}: it looks cut off (download it again)`;

// OFX aggregates: elements that hold others and must be closed. Any other element is a value.
const OFX_AGGREGATES = new Set([
  "OFX",
  "STATUS",
  "FI",
  "BANKACCTFROM",
  "BANKACCTTO",
  "CCACCTFROM",
  "CCACCTTO",
  "BANKTRANLIST",
  "STMTTRN",
  "PAYEE",
  "LEDGERBAL",
  "AVAILBAL",
  "BALLIST",
  "BAL",
  "CURRENCY",
  "ORIGCURRENCY",
  "INVACCTFROM",
  "INVTRANLIST",
  "MKTGINFO",
]);

function isAggregate(name: string): boolean {
  return OFX_AGGREGATES.has(name) || /(?:MSGSRSV\d|MSGSRQV\d|TRNRS|TRNRQ|RS|RQ)$/.test(name);
}

/**
 * OFX 1.x is SGML: a value needs no closing tag (`<TRNAMT>-5.00`), an aggregate does. A closing tag closes the
 * values left open inside it; an aggregate left open, a closing tag nothing opened, a tag cut in half or a file
 * that ends inside an aggregate is refused, naming where.
 */
export function parseSgml(text: string, startLine: number): Element {
  const root: Element = { name: "#root", line: startLine, text: "", children: [] };
  const stack: Element[] = [root];
  let line = startLine;
  let at = 0;
  const lines = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) line++;
  };
  while (at < text.length) {
    const open = text.indexOf("<", at);
    const chunk = text.slice(at, open < 0 ? text.length : open);
    if (chunk.trim() !== "") {
      const top = stack[stack.length - 1]!;
      if (top === root)
        throw new StatementError(`line ${line}: text outside any element: "${chunk.trim().slice(0, 40)}"`, { line });
      top.text += decodeHTMLStrict(chunk);
    }
    lines(at, open < 0 ? text.length : open);
    if (open < 0) break;
    const close = text.indexOf(">", open);
    const nextOpen = text.indexOf("<", open + 1);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const tag = text.slice(open, nextOpen < 0 ? Math.min(open + 30, text.length) : nextOpen).trim();
      throw new StatementError(`line ${line}: the tag "${tag}" is cut off`, { line });
    }
    const tag = text.slice(open + 1, close).trim();
    at = close + 1;
    if (tag.startsWith("!") || tag.startsWith("?")) {
      lines(open, close);
      continue;
    }
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim().toUpperCase();
      const depth = stack.findLastIndex((element) => element.name === name);
      if (depth <= 0)
        throw new StatementError(`line ${line}: </${name}> closes nothing that is open`, { line, element: name });
      for (let i = stack.length - 1; i > depth; i--) {
        const inner = stack[i]!;
        if (isAggregate(inner.name))
          throw new StatementError(
            `line ${line}: <${inner.name}> opened on line ${inner.line} is not closed before </${name}>`,
            { line, element: inner.name },
          );
        // An empty value (`<MEMO>` with nothing after it) took the elements after it in; they are its siblings.
        stack[i - 1]!.children.push(...inner.children.splice(0));
      }
      stack.length = depth;
      continue;
    }
    const name = tag.split(/\s/)[0]!.toUpperCase();
    if (!/^[A-Z][A-Z0-9._]*$/.test(name))
      throw new StatementError(`line ${line}: "<${tag.slice(0, 30)}>" is not an OFX element`, { line });
    const top = stack[stack.length - 1]!;
    if (stack.length > 1 && !isAggregate(top.name) && top.text.trim() !== "") stack.pop();
    const element: Element = { name, line, text: "", children: [] };
    stack[stack.length - 1]!.children.push(element);
    stack.push(element);
  }
  const open = stack.findLast((element) => element !== root && isAggregate(element.name));
  if (open) throw new StatementError(`line ${line}: ${cutOff(open.name, open.line)}`, { line, element: open.name });
  return root;
}

/**
 * An XML file (OFX 2.x, CAMT.053) through saxes, a strict XML parser: any error stops the reading, with its line.
 * HTML entity names banks put in XML (`&eacute;`) are read as the characters they name.
 */
export function parseXml(text: string): Element {
  const root: Element = { name: "#root", line: 1, text: "", children: [] };
  const stack: Element[] = [root];
  const parser = new SaxesParser({ position: true });
  parser.ENTITIES = new Proxy(parser.ENTITIES, {
    get(target, name) {
      const known = Reflect.get(target, name) as string | undefined;
      if (known !== undefined || typeof name !== "string") return known;
      const decoded = decodeHTMLStrict(`&${name};`);
      return decoded === `&${name};` ? undefined : decoded;
    },
  });
  parser.on("opentag", (tag) => {
    const attributes = Object.fromEntries(
      Object.entries(tag.attributes).map(([key, value]) => [key.replace(/^.*:/, ""), String(value)]),
    );
    const element: Element = {
      name: tag.name.replace(/^.*:/, ""),
      line: parser.line,
      text: "",
      children: [],
      attributes,
    };
    stack[stack.length - 1]!.children.push(element);
    stack.push(element);
  });
  parser.on("closetag", () => void stack.pop());
  parser.on("text", (value) => {
    stack[stack.length - 1]!.text += value;
  });
  parser.on("cdata", (value) => {
    stack[stack.length - 1]!.text += value;
  });
  parser.on("error", (error) => {
    const [, line, reason = error.message] = /^(\d+):\d+: (.*)$/s.exec(error.message) ?? [];
    const unclosed = /^unclosed tag: (.+)$/.exec(reason);
    const open = stack[stack.length - 1];
    if (unclosed && open && open !== root)
      throw new StatementError(`line ${line}: ${cutOff(open.name, open.line)}`, {
        line: Number(line),
        element: open.name,
      });
    const where = open && open !== root ? ` (inside <${open.name}> opened on line ${open.line})` : "";
    throw new StatementError(`line ${line ?? parser.line}: ${reason.replace(/\.$/, "")}${where}`, {
      line: Number(line ?? parser.line),
      element: open?.name,
    });
  });
  parser.write(text).close();
  return root;
}
