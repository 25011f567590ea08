/**
 * A strict, minimal XML 1.0 parser for tests: elements, attributes, text, the XML declaration and the five
 * predefined entities plus character references. No DTDs, comments, CDATA or processing instructions (the
 * JUnit renderer emits none); anything malformed throws, with the offset.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const fail = (reason: string): never => {
    throw new Error(`XML error at ${pos}: ${reason} near ${JSON.stringify(source.slice(pos, pos + 30))}`);
  };
  const isNameChar = (ch: string): boolean =>
    (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "-" || ch === "_" || ch === ":" || ch === ".";
  const skipSpace = (): void => {
    while (pos < source.length && " \t\r\n".includes(source[pos])) pos++;
  };
  const expect = (literal: string): void => {
    if (!source.startsWith(literal, pos)) fail(`expected ${JSON.stringify(literal)}`);
    pos += literal.length;
  };
  const readName = (): string => {
    const start = pos;
    while (pos < source.length && isNameChar(source[pos])) pos++;
    if (pos === start || (source[start] >= "0" && source[start] <= "9")) fail("expected a name");
    return source.slice(start, pos);
  };
  const decode = (raw: string, inAttribute: boolean): string => {
    let out = "";
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i];
      if (ch === "<" || (inAttribute && ch === '"')) fail(`unescaped ${ch}`);
      const code = ch.charCodeAt(0);
      if (code < 0x20 && ch !== "\t" && ch !== "\n" && ch !== "\r") fail(`control character ${code}`);
      if (ch !== "&") {
        out += inAttribute && "\t\n\r".includes(ch) ? " " : ch;
        continue;
      }
      const end = raw.indexOf(";", i);
      if (end < 0) fail("unterminated entity");
      const entity = raw.slice(i + 1, end);
      if (entity.startsWith("#x")) out += String.fromCodePoint(parseInt(entity.slice(2), 16));
      else if (entity.startsWith("#")) out += String.fromCodePoint(Number(entity.slice(1)));
      else if (entity in ENTITIES) out += ENTITIES[entity];
      else fail(`unknown entity &${entity};`);
      i = end;
    }
    return out;
  };
  const readElement = (): XmlElement => {
    expect("<");
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: "" };
    for (;;) {
      const before = pos;
      skipSpace();
      if (source.startsWith("/>", pos)) {
        pos += 2;
        return element;
      }
      if (source[pos] === ">") break;
      if (pos === before) fail("expected whitespace before an attribute");
      const name = readName();
      if (name in element.attributes) fail(`duplicate attribute ${name}`);
      skipSpace();
      expect("=");
      skipSpace();
      expect('"');
      const end = source.indexOf('"', pos);
      if (end < 0) fail("unterminated attribute");
      element.attributes[name] = decode(source.slice(pos, end), true);
      pos = end + 1;
    }
    pos++;
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) fail(`unclosed <${element.name}>`);
      element.text += decode(source.slice(pos, next), false);
      pos = next;
      if (source.startsWith("</", pos)) {
        pos += 2;
        if (readName() !== element.name) fail(`mismatched closing tag for <${element.name}>`);
        skipSpace();
        expect(">");
        return element;
      }
      element.children.push(readElement());
    }
  };

  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0) fail("unterminated XML declaration");
    pos = end + 2;
  }
  skipSpace();
  const root = readElement();
  skipSpace();
  if (pos !== source.length) fail("content after the root element");
  return root;
}

/** Direct children named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
