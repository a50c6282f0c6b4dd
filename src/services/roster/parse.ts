/**
 * A roster file as uploaded (全誼 and other school administration systems' exports) → rows of
 * cell texts keyed by field. CSV in UTF-8 (with or without BOM), UTF-16 with BOM, or Big5
 * (what Excel on a Traditional Chinese Windows writes); XLSX (first worksheet). The header row
 * is found by its column names, in Chinese as the school systems write them or in English.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { defineErrors } from '../../errors.js';
import { type RawRosterFields, ROSTER_FIELDS, type RosterField } from './rows.js';

export const rosterFileErrors = defineErrors('roster', {
  unsupported_format: { message: 'roster.unsupported_format' },
  unreadable_file: { message: 'roster.unreadable_file' },
  empty_file: { message: 'roster.empty_file' },
  missing_column: { message: 'roster.missing_column' },
  too_many_rows: { status: 413, message: 'roster.too_many_rows' },
});

/** Keelung has about 33,000 students; a county-wide file is the largest there is. */
export const MAX_ROSTER_ROWS = 50_000;

/** Header names → field. Keys are compared after headerKey(). */
const HEADER_ALIASES: Readonly<Record<RosterField, readonly string[]>> = {
  national_id: [
    '身分證字號',
    '身份證字號',
    '身分證統一編號',
    '身份證統一編號',
    '身分證號',
    '身份證號',
    '身分證',
    '身份證',
    '統一證號',
    'national_id',
    'nationalid',
    'id_no',
  ],
  family_name_first: ['姓氏在前', 'family_name_first', 'familynamefirst'],
  family_name: ['姓氏', '姓', 'family_name', 'familyname', 'last_name', 'surname'],
  given_name: ['名字', '名', 'given_name', 'givenname', 'first_name'],
  gender: ['性別', 'gender', 'sex'],
  birth_date: ['出生年月日', '生日', '出生日期', 'birth_date', 'birthdate', 'birthday', 'date_of_birth'],
  grade: ['年級', 'grade'],
  class: ['班級', '班', '班別', 'class', 'class_no'],
  seat: ['座號', 'seat', 'seat_no'],
};

/** Zh-TW names used in error messages, so a clerk recognises the column of their export. */
export const FIELD_LABELS: Readonly<Record<RosterField, string>> = {
  national_id: '身分證字號',
  family_name_first: '姓氏在前',
  family_name: '姓氏',
  given_name: '名字',
  gender: '性別',
  birth_date: '出生年月日',
  grade: '年級',
  class: '班級',
  seat: '座號',
};

/** Columns every roster needs; grade and class are required only when the target lacks them. */
export const REQUIRED_FIELDS: readonly RosterField[] = [
  'national_id',
  'family_name',
  'given_name',
  'gender',
  'birth_date',
];

/** "＊身分證 字號（必填）", "Family-Name" → "身分證字號", "familyname": templates decorate headers. */
const headerKey = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .replace(/\([^)]*\)\s*$/, '')
    .replace(/[\s_*-]+/g, '')
    .toLowerCase();

const FIELD_BY_HEADER = new Map<string, RosterField>(
  ROSTER_FIELDS.flatMap((f) => HEADER_ALIASES[f].map((alias) => [headerKey(alias), f] as const)),
);

export interface RawRosterRow {
  /** the row number a spreadsheet shows (the header row included) */
  line: number;
  fields: RawRosterFields;
}

export interface ParsedRoster {
  format: 'csv' | 'xlsx';
  /** utf-8, utf-16le or big5 for CSV */
  encoding?: string;
  columns: RosterField[];
  rows: RawRosterRow[];
}

/** "missing column: 性別 (gender), 出生年月日 (birth_date)" */
export function missingColumnError(fields: readonly RosterField[]) {
  return rosterFileErrors.missing_column(
    `missing column: ${fields.map((f) => `${FIELD_LABELS[f]} (${f})`).join(', ')}`,
  );
}

/**
 * @throws roster.unsupported_format (old .xls), roster.unreadable_file, roster.empty_file,
 *   roster.missing_column (a required column is not in the header), roster.too_many_rows
 */
export async function parseRosterFile(
  file: Buffer,
  meta: { filename?: string | undefined; contentType?: string | undefined } = {},
): Promise<ParsedRoster> {
  const name = (meta.filename ?? '').toLowerCase();
  const type = (meta.contentType ?? '').toLowerCase();
  if (file.length === 0) throw rosterFileErrors.empty_file();
  // OLE2 compound file: an Excel 97-2003 workbook
  if (file.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])) || name.endsWith('.xls')) {
    throw rosterFileErrors.unsupported_format('Excel 97-2003 (.xls) is not supported: save as .xlsx or .csv');
  }
  const isZip = file.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (isZip || name.endsWith('.xlsx') || type.includes('spreadsheetml')) {
    if (!isZip) throw rosterFileErrors.unreadable_file('the file is not a valid .xlsx workbook');
    return { format: 'xlsx', ...toRows(await readXlsx(file)) };
  }
  const { text, encoding } = decodeText(file);
  if (text.includes('\0')) throw rosterFileErrors.unsupported_format('the file is neither CSV nor XLSX');
  return { format: 'csv', encoding, ...toRows(readCsv(text)) };
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf16 = new TextDecoder('utf-16le');

/** UTF-8 when the bytes are valid UTF-8 (a Big5 file practically never is), else Big5. */
function decodeText(file: Buffer): { text: string; encoding: string } {
  if (file[0] === 0xff && file[1] === 0xfe) return { text: utf16.decode(file), encoding: 'utf-16le' };
  try {
    // TextDecoder drops a leading BOM
    return { text: fatalUtf8.decode(file), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(file, 'big5'), encoding: 'big5' };
  }
}

interface Grid {
  cells: string[][];
  lines: number[];
}

function readCsv(text: string): Grid {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const count = (c: string) => firstLine.split(c).length - 1;
  const delimiter = [',', '\t', ';'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      delimiter,
      info: true,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // with info: true each record comes with its line number (the typings do not say so)
    }) as unknown as typeof records;
  } catch (err) {
    throw rosterFileErrors.unreadable_file(
      `the CSV cannot be read: ${err instanceof Error ? err.message.slice(0, 200) : 'parse error'}`,
    );
  }
  return { cells: records.map((r) => r.record), lines: records.map((r) => r.info.lines) };
}

async function readXlsx(file: Buffer): Promise<Grid> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type; a Node Buffer is what it reads
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch {
    throw rosterFileErrors.unreadable_file('the file is not a valid .xlsx workbook');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw rosterFileErrors.empty_file();
  const cells: string[][] = [];
  const lines: number[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // row.values is 1-based (index 0 is empty)
    const values = (row.values as ExcelJS.CellValue[]).slice(1);
    cells.push(Array.from(values, (v) => cellText(v)));
    lines.push(rowNumber);
  });
  return { cells, lines };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  // exceljs reads a date cell as the UTC instant of the Excel serial: the calendar date is UTC's
  if (value instanceof Date) {
    return `${value.getUTCFullYear()}-${pad2(value.getUTCMonth() + 1)}-${pad2(value.getUTCDate())}`;
  }
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value) return String(value.text);
  if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
  return '';
}

/** Finds the header row among the first rows (an export may start with a title line). */
function toRows(grid: Grid): { columns: RosterField[]; rows: RawRosterRow[] } {
  let headerAt = -1;
  let mapping: Array<RosterField | undefined> = [];
  for (let i = 0; i < Math.min(grid.cells.length, 10); i++) {
    const candidate = grid.cells[i]!.map((h) => FIELD_BY_HEADER.get(headerKey(h)));
    if (candidate.filter(Boolean).length >= 2) {
      headerAt = i;
      mapping = candidate;
      break;
    }
  }
  if (headerAt < 0) {
    if (grid.cells.every((r) => r.every((c) => c.trim() === ''))) throw rosterFileErrors.empty_file();
    throw missingColumnError(REQUIRED_FIELDS);
  }
  // the first column of a name wins when an export repeats it
  const seen = new Set<RosterField>();
  mapping = mapping.map((f) => {
    if (!f || seen.has(f)) return undefined;
    seen.add(f);
    return f;
  });
  const columns = [...seen];
  const missing = REQUIRED_FIELDS.filter((f) => !seen.has(f));
  if (missing.length) throw missingColumnError(missing);

  const rows: RawRosterRow[] = [];
  for (let i = headerAt + 1; i < grid.cells.length; i++) {
    const cells = grid.cells[i]!;
    if (cells.every((c) => c.trim() === '')) continue;
    if (rows.length >= MAX_ROSTER_ROWS) {
      throw rosterFileErrors.too_many_rows(`a roster file holds at most ${MAX_ROSTER_ROWS} rows`);
    }
    const fields: RawRosterFields = {};
    mapping.forEach((field, c) => {
      if (field) fields[field] = cells[c] ?? '';
    });
    rows.push({ line: grid.lines[i]!, fields });
  }
  if (!rows.length) throw rosterFileErrors.empty_file();
  return { columns, rows };
}
