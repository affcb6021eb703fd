// Reads raw emails (.eml) and calendar files (.ics) with parsers we did not write and prints one
// JSON document the Python tests assert on: node `mailparser` for the MIME, ical.js and node-ical
// for every calendar (each .ics file, and each text/calendar part mailparser finds in an email).
//
//   node tests/clients/parse.mjs MODULES_DIR FILE...
//
// MODULES_DIR is where devtools/mail_clients.py ran `npm ci` (.local/mail-clients).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), 'package.json'));
const { simpleParser } = require('mailparser');
const ICAL = require('ical.js');
const nodeIcal = require('node-ical');

const version = (name) =>
  JSON.parse(readFileSync(join(resolve(modules), 'node_modules', name, 'package.json'), 'utf8')).version;

const address = (field) =>
  field ? field.value.map((one) => ({ name: one.name, address: one.address })) : [];

// The changes of UTC offset in the given years as ical.js expands the file's own VTIMEZONE (its
// `changes` list, in UTC, is what `utcOffset` reads when it resolves a TZID time). Its public
// convertToZone looks the offset up by the UTC wall-clock time, so it cannot be used for this.
function transitions(zone, firstYear, lastYear) {
  zone._ensureCoverage(lastYear + 1);
  return zone.changes
    .filter((change) => change.year >= firstYear && change.year <= lastYear)
    .filter((change) => change.utcOffset !== change.prevUtcOffset)
    .map((change) => ({
      at: new Date(
        Date.UTC(change.year, change.month - 1, change.day, change.hour, change.minute, change.second),
      ).toISOString(),
      from: change.prevUtcOffset,
      to: change.utcOffset,
    }));
}

function withIcalJs(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zones = {};
  for (const component of calendar.getAllSubcomponents('vtimezone')) {
    const zone = new ICAL.Timezone(component);
    zones[zone.tzid] = zone;
  }
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const entry = new ICAL.Event(component);
    // Resolve TZID against the file's own VTIMEZONE, as a calendar without a zone database would.
    const zoned = (property) => {
      const value = component.getFirstPropertyValue(property);
      const tzid = component.getFirstProperty(property).getParameter('tzid');
      if (tzid && zones[tzid]) value.zone = zones[tzid];
      return { value, tzid };
    };
    const start = zoned('dtstart');
    const end = zoned('dtend');
    return {
      uid: entry.uid,
      sequence: entry.sequence,
      status: component.getFirstPropertyValue('status'),
      summary: entry.summary,
      location: entry.location,
      description: entry.description,
      organizer: entry.organizer,
      tzid: start.tzid,
      start: start.value.toJSDate().toISOString(),
      end: end.value.toJSDate().toISOString(),
      startYear: start.value.year,
      endYear: end.value.year,
    };
  });
  const timezones = {};
  for (const [tzid, zone] of Object.entries(zones)) {
    const years = events.filter((e) => e.tzid === tzid).flatMap((e) => [e.startYear, e.endYear]);
    if (years.length) timezones[tzid] = transitions(zone, Math.min(...years), Math.max(...years));
  }
  return { method: calendar.getFirstPropertyValue('method'), events, timezones };
}

function withNodeIcal(text) {
  const parsed = nodeIcal.sync.parseICS(text);
  const events = Object.values(parsed)
    .filter((item) => item.type === 'VEVENT')
    .map((item) => ({
      uid: item.uid,
      sequence: Number(item.sequence),
      status: item.status,
      method: item.method,
      summary: typeof item.summary === 'string' ? item.summary : item.summary?.val,
      start: item.start.toISOString(),
      end: item.end.toISOString(),
    }));
  return { events };
}

function calendar(text) {
  return { icaljs: withIcalJs(text), nodeIcal: withNodeIcal(text) };
}

async function email(raw) {
  const mail = await simpleParser(raw);
  return {
    subject: mail.subject,
    from: address(mail.from),
    to: address(mail.to),
    replyTo: address(mail.replyTo),
    date: mail.date ? mail.date.toISOString() : null,
    contentLanguage: mail.headers.get('content-language') ?? null,
    // RFC 2369/8058 headers as mailparser reads them (url, or the POST body as a bare word), and as
    // the raw lines it split them from.
    list: mail.headers.get('list') ?? null,
    listLines: mail.headerLines.filter((header) => header.key.startsWith('list-')).map((header) => header.line),
    messageId: mail.messageId ?? null,
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    attachments: mail.attachments.map((part) => {
      const contentType = part.contentType;
      const type = part.headers.get('content-type');
      const one = {
        contentType,
        filename: part.filename ?? null,
        method: type?.params?.method ?? null,
        size: part.size,
      };
      if (contentType === 'text/calendar') one.calendar = calendar(part.content.toString('utf8'));
      return one;
    }),
  };
}

const results = [];
for (const file of files) {
  const raw = readFileSync(file);
  try {
    results.push(
      file.endsWith('.ics')
        ? { file, calendar: calendar(raw.toString('utf8')) }
        : { file, email: await email(raw) },
    );
  } catch (error) {
    results.push({ file, error: String(error && error.stack ? error.stack : error) });
  }
}
const versions = Object.fromEntries(['mailparser', 'ical.js', 'node-ical'].map((n) => [n, version(n)]));
process.stdout.write(JSON.stringify({ versions, node: process.version, results }));
