export {
  MASK,
  fieldSecrecy,
  headerSecrecy,
  paramSecrecy,
  valueSecrecy,
  localName,
  type Secrecy,
} from './rules.js';
export {
  PayloadMasker,
  type HeaderRecord,
  type MaskerOptions,
  type TextContext,
  type TextPattern,
} from './masker.js';
export { XmlScanner, XML_WINDOW, type XmlSecrets } from './xml-scan.js';
