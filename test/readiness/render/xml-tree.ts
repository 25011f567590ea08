import { SaxesParser } from "saxes";

/**
 * Parses XML into a plain element tree with saxes, a strict XML 1.0 parser: anything not well-formed (a mismatched
 * tag, a bare `&`, a second root, a character XML cannot carry) throws, as the strict XmlReader Azure DevOps uses
 * to read JUnit results would refuse it.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser();
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on("error", (error) => {
    throw error;
  });
  parser.on("opentag", (tag) => {
    const element: XmlElement = { name: tag.name, attributes: { ...tag.attributes }, children: [], text: "" };
    if (open.length) open[open.length - 1].children.push(element);
    else root = element;
    open.push(element);
  });
  parser.on("text", (text) => {
    if (open.length) open[open.length - 1].text += text;
  });
  parser.on("closetag", () => open.pop());
  parser.write(source).close();
  if (!root) throw new Error("XML has no root element");
  return root;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
