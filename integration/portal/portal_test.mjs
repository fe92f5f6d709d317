// The recipients' portal in a real browser: Debian's Chromium driven by
// Playwright (playwright-core, no browser download), every page checked by
// axe-core and screenshotted, every response checked for the security
// headers.
//
// The scenario: a PHI message with a PDF attachment and hostile HTML goes
// through sealpost to a recipient without a key; the notice arrives at an
// SMTP sink (this script's, with STARTTLS); the browser opens the link,
// asks for a code, the code is read at the sink, the browser signs in,
// sees the body and the real Subject, downloads the attachment (bytes
// compared), replies with an attachment (the reply must arrive at the
// sender's route over TLS with In-Reply-To); then a recall, an expiry (a
// policy rule's portal_expiry) and five wrong codes show their pages. The
// message's <script> and onerror handler must never run.
//
// Usage: node portal_test.mjs   (SEALPOST_BIN: the binary; PORTAL_ARTIFACTS:
// where screenshots go, default a new temp dir). Only 127.0.0.1 is used.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const BIN = process.env.SEALPOST_BIN || path.join(repo, 'target', 'debug', 'sealpost');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-portal-'));
const shots = process.env.PORTAL_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-portal-shots-'));
fs.mkdirSync(shots, { recursive: true });
const DEADLINE_MS = 60_000;
const SENDER = 'frontdesk@hosp.example';
const PATIENT = 'pat@patient.example';

const failures = [];
let passed = 0;
function check(cond, what) {
  if (cond) {
    passed += 1;
  } else {
    failures.push(what);
    console.error(`FAIL: ${what}`);
  }
}

async function until(what, f, ms = DEADLINE_MS) {
  const start = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ------------------------------------------------------------------ sink

function certificate() {
  const conf = path.join(work, 'sink.cnf');
  fs.writeFileSync(conf, [
    '[req]', 'distinguished_name=dn', 'x509_extensions=ext', 'prompt=no',
    '[dn]', 'CN=127.0.0.1',
    '[ext]', 'subjectAltName=IP:127.0.0.1', 'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', '',
  ].join('\n'));
  const key = path.join(work, 'sink.key');
  const cert = path.join(work, 'sink.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', key, '-out', cert, '-config', conf], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert), certPath: cert };
}

// A recording SMTP server with STARTTLS on 127.0.0.1:0.
function startSink(creds) {
  const messages = [];
  const server = net.createServer((raw) => {
    let sock = raw;
    let buf = '';
    let cur = null;
    let inData = false;
    let secure = false;
    const send = (s) => sock.write(s);
    const onData = (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buf.slice(0, end + 2).replace(/\r\n\.\./g, '\r\n.');
          buf = buf.slice(end + 5);
          inData = false;
          messages.push({ ...cur, data, tls: secure });
          cur = null;
          send('250 2.0.0 stored\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const up = line.toUpperCase();
        if (up.startsWith('EHLO') || up.startsWith('HELO')) {
          send(secure ? '250-sink.test\r\n250 8BITMIME\r\n' : '250-sink.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n');
        } else if (up.startsWith('STARTTLS') && !secure) {
          send('220 2.0.0 go ahead\r\n');
          sock.removeListener('data', onData);
          const t = new tls.TLSSocket(sock, { isServer: true, key: creds.key, cert: creds.cert });
          secure = true;
          sock = t;
          buf = '';
          t.on('data', onData);
          t.on('error', () => {});
          return;
        } else if (up.startsWith('MAIL')) {
          cur = { from: (line.match(/<([^>]*)>/) || [])[1] || '', rcpts: [] };
          send('250 2.1.0 ok\r\n');
        } else if (up.startsWith('RCPT')) {
          cur.rcpts.push((line.match(/<([^>]*)>/) || [])[1] || '');
          send('250 2.1.5 ok\r\n');
        } else if (up.startsWith('DATA')) {
          inData = true;
          send('354 go\r\n');
        } else if (up.startsWith('QUIT')) {
          send('221 2.0.0 bye\r\n');
          sock.end();
          return;
        } else {
          send('250 2.0.0 ok\r\n');
        }
      }
    };
    raw.on('data', onData);
    raw.on('error', () => {});
    send('220 sink.test ESMTP\r\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, messages, port: server.address().port })));
}

// ------------------------------------------------------------------ sealpost

function writeConfig(sinkPort, certPath) {
  const pol = path.join(work, 'policies');
  fs.mkdirSync(pol, { recursive: true });
  for (const f of fs.readdirSync(path.join(repo, 'policies'))) {
    if (f.endsWith('.toml')) fs.copyFileSync(path.join(repo, 'policies', f), path.join(pol, f));
  }
  // A policy rule may shorten how long portal copies are kept.
  fs.writeFileSync(path.join(pol, '90-short-lived.toml'), [
    '[[rule]]', 'id = "short-lived"', 'description = "Test: portal copies of this message expire fast."',
    'headers = [{ name = "X-Test-Expiry", present = true }]', 'portal_expiry = "3s"', '',
  ].join('\n'));
  const conf = path.join(work, 'sealpost.toml');
  fs.writeFileSync(conf, `
[server]
hostname = "relay.test"
spool_dir = "${work}/spool"
users_file = "${work}/users.toml"

[[listener]]
name = "plain"
address = "127.0.0.1:0"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

[[route]]
domains = ["*"]
host = "127.0.0.1:${sinkPort}"
tls = "none"

[delivery]
retry_schedule = ["1s"]
ca_file = "${certPath}"

[metrics]
address = "off"

[policy]
dir = "${pol}"

[audit]
path = "${work}/audit/audit.log"

[secure]
openpgp_keyring = "${work}/keys/openpgp"
smime_certs = "${work}/keys/smime"
tls_domains = ["hosp.example"]

[portal]
listen = "127.0.0.1:0"
tls = "implicit"
organisation = "Example Clinic"
support = "call the front desk on 555-0100."
`);
  return conf;
}

function startSealpost(conf) {
  const child = spawn(BIN, ['serve', '--config', conf], { stdio: ['ignore', 'pipe', fs.openSync(path.join(work, 'daemon.log'), 'a')] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('sealpost not ready')), DEADLINE_MS);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const start = out.indexOf('sealpost ready\n');
      if (start < 0) return;
      const rest = out.slice(start);
      const end = rest.indexOf('\n\n');
      if (end < 0) return;
      clearTimeout(timer);
      const report = rest.slice(0, end);
      const portal = report.match(/portal\s+https:\/\/([0-9.]+:\d+)/);
      const smtp = report.match(/smtp\s+([0-9.]+):(\d+) \(plain:/);
      if (!portal || !smtp) return reject(new Error(`unexpected report:\n${report}`));
      resolve({ child, portal: `https://${portal[1]}`, smtpPort: Number(smtp[2]) });
    });
    child.on('exit', (code) => reject(new Error(`sealpost exited ${code}: ${fs.readFileSync(path.join(work, 'daemon.log'), 'utf8')}`)));
  });
}

function cli(conf, ...args) {
  return execFileSync(BIN, [...args, '--config', conf], { encoding: 'utf8' });
}

// One message by SMTP to sealpost's plain listener.
function submit(port, from, to, data) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const steps = [`EHLO client.test`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA', `${data.replace(/\r\n\./g, '\r\n..')}\r\n.`, 'QUIT'];
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      for (;;) {
        const m = buf.match(/^(\d{3}) .*\r\n/m);
        if (!m) return;
        buf = buf.slice(buf.indexOf(m[0]) + m[0].length);
        const code = Number(m[1]);
        if (code >= 400) return reject(new Error(`SMTP ${m[0]}`));
        const next = steps.shift();
        if (next === undefined) { s.end(); return resolve(); }
        s.write(`${next}\r\n`);
      }
    });
    s.on('error', reject);
  });
}

const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n', 'latin1');

let lastMessageId = '';
function phiMessage(subject, extraHeader = null) {
  lastMessageId = `orig-${Date.now()}-${Math.random().toString(16).slice(2)}@hosp.example`;
  const headers = [
    `From: Front Desk <${SENDER}>`, `To: ${PATIENT}`, `Subject: ${subject}`,
    `Message-ID: <${lastMessageId}>`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"',
  ];
  if (extraHeader) headers.push(extraHeader);
  const html = '<p>Dear patient, DOB: 03/14/1961, MRN: 00482913.</p><p>Your <b>HbA1c</b> is 6.1 %.</p>'
    + '<script>window.__pwned = "script"; document.title = "pwned";</script>'
    + '<img src="x" onerror="window.__pwned = \'onerror\'; document.title = \'pwned\'">'
    + '<img src="https://tracker.example/pixel.gif" alt="">'
    + '<p><a href="https://clinic.example/info" onclick="window.__pwned=\'click\'">About your results</a></p>';
  return [
    ...headers, '',
    '--b1', 'Content-Type: multipart/alternative; boundary="b2"', '',
    '--b2', 'Content-Type: text/plain; charset=utf-8', '',
    'Dear patient, DOB: 03/14/1961, MRN: 00482913. Your HbA1c is 6.1 %.',
    '--b2', 'Content-Type: text/html; charset=utf-8', '', html, '--b2--',
    '--b1', 'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="results.pdf"',
    'Content-Transfer-Encoding: base64', '', PDF.toString('base64'), '--b1--', '',
  ].join('\r\n');
}

// ------------------------------------------------------------------ browser checks

const HEADER_RULES = [
  ['content-security-policy', (v) => v.includes("default-src 'none'") && v.includes("frame-ancestors 'none'") && !v.includes('script-src')],
  ['strict-transport-security', (v) => /max-age=\d+/.test(v)],
  ['referrer-policy', (v) => v === 'no-referrer'],
  ['x-content-type-options', (v) => v === 'nosniff'],
];
let responsesChecked = 0;

function watchHeaders(page, origin) {
  page.on('response', async (res) => {
    if (!res.url().startsWith(origin)) return;
    const h = await res.allHeaders();
    responsesChecked += 1;
    for (const [name, ok] of HEADER_RULES) {
      check(h[name] !== undefined && ok(h[name]), `${name} on ${res.status()} ${res.url()}: ${h[name]}`);
    }
    const type = h['content-type'] || '';
    if (type.startsWith('text/html')) {
      check((h['cache-control'] || '').includes('no-store'), `no-store on ${res.url()}`);
    }
  });
}

let shotNo = 0;
async function pageCheck(page, name) {
  shotNo += 1;
  const file = path.join(shots, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  for (const v of axe.violations) {
    check(false, `axe on ${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  if (axe.violations.length === 0) passed += 1;
  const pwned = await page.evaluate(() => window.__pwned);
  check(pwned === undefined, `script from the message ran on ${name}: ${pwned}`);
  check((await page.title()) !== 'pwned', `title changed by message script on ${name}`);
  console.log(`page ${name}: ${axe.violations.length} axe violations, screenshot ${file}`);
}

// ------------------------------------------------------------------ scenario

async function main() {
  const creds = certificate();
  const sink = await startSink(creds);
  const conf = writeConfig(sink.port, creds.certPath);
  const daemon = await startSealpost(conf);
  const origin = daemon.portal;
  const mailsTo = (rcpt, needle) => sink.messages.filter((m) => m.rcpts.includes(rcpt) && m.data.includes(needle));
  const waitMail = (rcpt, needle, n = 1) => until(`${n} mail(s) to ${rcpt} with ${needle}`, () => {
    const got = mailsTo(rcpt, needle);
    return got.length >= n ? got : null;
  });
  const linkPath = (m) => m.data.match(/\/m\/[A-Za-z0-9_-]{43}/)[0];
  const codeOf = (m) => m.data.match(/Your code: (\d{6})/)[1];

  // A fresh profile (user data dir) for every run.
  const context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
    viewport: { width: 390, height: 844 },
  });
  try {
    const page = await context.newPage();
    watchHeaders(page, origin);

    // 1. The message, its notice at the sink.
    await submit(daemon.smtpPort, SENDER, PATIENT, phiMessage('Your lab results from March'));
    const originalId = lastMessageId;
    const [notice] = await waitMail(PATIENT, '/m/');
    check(!/00482913|03\/14\/1961|lab results|HbA1c/.test(notice.data), 'the notice carries no PHI');
    const link = origin + linkPath(notice);

    await page.goto(`${origin}/`);
    await pageCheck(page, 'home');
    await page.goto(`${origin}/m/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    check((await page.textContent('h1')).includes('not valid'), 'unknown link page');
    await pageCheck(page, 'unknown-link');

    // 2. The link: organisation, expiry, one button.
    const landing = await page.goto(link);
    check(landing.status() === 200, `landing status ${landing.status()}`);
    const body = await page.textContent('body');
    check(body.includes('Example Clinic') && !body.includes('lab results'), 'landing shows the organisation, not the message');
    await pageCheck(page, 'landing');

    // 3. A code by mail.
    await page.click('button:has-text("Email me a code")');
    await page.waitForURL(/\/code\?sent=1$/);
    await pageCheck(page, 'code-sent');
    const [codeMail] = await waitMail(PATIENT, 'Your code: ');
    const code = codeOf(codeMail);

    // A wrong code first: a clear error, announced.
    await page.fill('#code', code === '000000' ? '111111' : '000000');
    await page.click('button:has-text("Open the message")');
    check((await page.textContent('[role=alert]')).includes('not right'), 'wrong code message');
    await pageCheck(page, 'code-wrong');

    // 4. Signed in: the body and the real Subject; nothing from the message runs.
    await page.fill('#code', code);
    await page.click('button:has-text("Open the message")');
    await page.waitForURL(/\/view$/);
    check((await page.textContent('h1')).includes('Your lab results from March'), 'the real Subject');
    const text = await page.textContent('.body');
    check(text.includes('HbA1c') && text.includes('00482913'), 'the body');
    check(await page.locator('.body b', { hasText: 'HbA1c' }).count() === 1, 'sanitised HTML keeps formatting');
    check(await page.locator('.body script, .body [onerror], .body [onclick], .body img[src^="http"]').count() === 0, 'no script, handler or remote image in the DOM');
    check(await page.getAttribute('.body a', 'rel') === 'noopener noreferrer', 'links are noopener noreferrer');
    const cookies = await context.cookies();
    for (const c of cookies) {
      check(c.name.startsWith('__Host-') && c.secure && c.httpOnly && c.sameSite === 'Strict' && c.path === '/', `cookie flags of ${c.name}`);
    }
    check(cookies.some((c) => c.name === '__Host-sp_session'), 'a session cookie');
    await pageCheck(page, 'message');

    // 5. The attachment, byte for byte.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("results.pdf")')]);
    const saved = path.join(work, 'downloaded.pdf');
    await download.saveAs(saved);
    check(Buffer.compare(fs.readFileSync(saved), PDF) === 0, 'downloaded attachment equals the original');
    check(download.suggestedFilename() === 'results.pdf', `download name ${download.suggestedFilename()}`);

    // 6. A secure reply with an attachment.
    const notes = path.join(work, 'my-notes.txt');
    fs.writeFileSync(notes, 'Questions for Tuesday: fasting before the test?\n');
    await page.fill('#reply-text', 'Thank you. I will come on Tuesday.');
    await page.setInputFiles('#reply-files', notes);
    await page.click('button:has-text("Send secure reply")');
    await page.waitForURL(/replied=1$/);
    check((await page.textContent('[role=status]')).includes('sent securely'), 'reply confirmation');
    await pageCheck(page, 'reply-sent');
    const [reply] = await waitMail(SENDER, 'Thank you. I will come on Tuesday.');
    check(reply.tls, 'the reply reached the sender over TLS');
    check(reply.data.includes(`In-Reply-To: <${originalId}>`), 'reply has In-Reply-To the original');
    check(/^References: .*</m.test(reply.data) && reply.data.includes(originalId), 'reply has References');
    check(/^Subject: Re: Your lab results from March/m.test(reply.data), 'reply Subject');
    check(reply.data.includes('filename="my-notes.txt"') && reply.data.includes('Questions for Tuesday: fasting before the test?'), 'reply carries the attachment');

    // 7. Sign out.
    await page.click('button:has-text("Sign out")');
    check((await page.textContent('h1')).includes('signed out'), 'signed out page');
    await pageCheck(page, 'signed-out');
    const after = await page.goto(`${link}/view`);
    check(after.url() === link || after.url().endsWith(linkPath(notice)), 'after sign-out the message asks for a code again');

    // 8. Recall: the operator recalls; the link says so.
    const list = JSON.parse(cli(conf, 'portal', 'list', '--recipient', PATIENT));
    const id = list[0].id;
    check(list[0].opened !== null && list[0].downloads === 1 && list[0].replies === 1, `read receipts in portal list: ${JSON.stringify(list[0])}`);
    cli(conf, 'portal', 'recall', id);
    const recalled = await page.goto(link);
    check(recalled.status() === 410 && (await page.textContent('h1')).includes('recalled'), 'recalled page');
    await pageCheck(page, 'recalled');

    // 9. Expiry: a policy rule kept this copy for 3 seconds only.
    await submit(daemon.smtpPort, SENDER, PATIENT, phiMessage('Short-lived results', 'X-Test-Expiry: yes'));
    const notices = await waitMail(PATIENT, '/m/', 2);
    const shortLink = origin + linkPath(notices[1]);
    const expired = await until('the copy to expire', async () => {
      const r = await page.goto(shortLink);
      return r.status() === 410 ? r : null;
    });
    check((await page.textContent('h1')).includes('expired'), `expired page (${expired.status()})`);
    await pageCheck(page, 'expired');

    // 10. Five wrong codes lock.
    await submit(daemon.smtpPort, SENDER, PATIENT, phiMessage('Appointment'));
    const third = await waitMail(PATIENT, '/m/', 3);
    const lockLink = origin + linkPath(third[2]);
    await page.goto(lockLink);
    await page.click('button:has-text("Email me a code")');
    await page.waitForURL(/\/code\?sent=1$/);
    const codes = await waitMail(PATIENT, 'Your code: ', 2);
    const good = codeOf(codes[1]);
    const bad = good === '000000' ? '111111' : '000000';
    let last;
    for (let i = 0; i < 5; i += 1) {
      await page.fill('#code', bad);
      [last] = await Promise.all([page.waitForNavigation(), page.click('button:has-text("Open the message")')]);
    }
    check(last.status() === 429 && (await page.textContent('h1')).includes('locked'), 'five wrong codes lock');
    await pageCheck(page, 'locked');
    const again = await page.goto(lockLink);
    check(again.status() === 429, 'the link stays locked');

    const audit = fs.readFileSync(path.join(work, 'audit', 'audit.log'), 'utf8');
    for (const a of ['opened', 'download', 'reply', 'code_failed', 'locked', 'recall', 'expired']) {
      check(audit.includes(`"action":"${a}"`), `audit record ${a}`);
    }
    check(!audit.includes('00482913'), 'no PHI in the audit log');
    check(responsesChecked > 10, `headers checked on ${responsesChecked} responses`);
  } finally {
    await context.close();
    daemon.child.kill('SIGTERM');
    sink.server.close();
  }
}

main().then(() => {
  console.log(`screenshots: ${shots}`);
  console.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length === 0) fs.rmSync(work, { recursive: true, force: true });
  process.exit(failures.length === 0 ? 0 : 1);
}, (e) => {
  console.error(e);
  console.log(`work dir kept: ${work}`);
  console.log(`${passed} passed, ${failures.length + 1} failed`);
  process.exit(1);
});
