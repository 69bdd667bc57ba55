import { createHash } from 'node:crypto';

/**
 * The one stylesheet. It is inlined into every gateway page and allowed by the CSP through its SHA-256 hash
 * (`style-src 'sha256-…'`, CSP Level 2), not by 'unsafe-inline': only this exact text can style a page. Inlining
 * lets the certificate-less 403 page be styled too — a separate stylesheet would itself need a certificate.
 * It is also served as /_hic/static/style.css for anything that links it.
 */
export const STYLE_CSS = `body{font-family:"Hiragino Sans","Noto Sans JP","Noto Sans CJK JP","Yu Gothic",system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b2430;line-height:1.6}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.6rem 1rem;background:#123;color:#fff}
header .brand{font-weight:bold;flex:1}header a{color:#cde}header .who,header .clock{font-size:.9rem}
nav.menu{background:#234;padding:.3rem 1rem;display:flex;gap:1.2rem;flex-wrap:wrap}nav.menu a{color:#fff;text-decoration:none}nav.menu a[aria-current]{text-decoration:underline;font-weight:bold}
main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:6px;box-shadow:0 1px 3px #0002}
main.wide{max-width:72rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.6rem}
label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=password],input[type=search],input[type=date],input[type=datetime-local],select,textarea{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
form.inline{display:flex;gap:.6rem;flex-wrap:wrap;align-items:flex-end}form.inline label{margin:0}form.inline input,form.inline select{width:auto}
button{margin-top:1rem;padding:.5rem 1.5rem;font-size:1rem}button.link{background:none;border:none;color:#cde;padding:0;margin:0;font-size:.9rem;cursor:pointer;text-decoration:underline}
.notice{padding:.6rem;border-radius:4px}.notice.error{background:#fde8e8;color:#8a1c1c}.notice.info{background:#e8f1fd}.notice.ok{background:#e6f6ea;color:#14532d}
.hint{margin-top:1.5rem;padding:.8rem;border-left:4px solid #7a9cc6;background:#f3f7fc;font-size:.92rem}
code,pre{background:#eef;padding:.1rem .3rem;word-break:break-all}
.secret{font-size:1.3rem;letter-spacing:.1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}th,td{border-bottom:1px solid #dde;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f7;white-space:nowrap}td.time{white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}
ul.rules{list-style:none;padding:0}ul.rules li::before{content:"・"}ul.rules li.ok{color:#14532d}ul.rules li.ok::before{content:"✓ "}ul.rules li.bad{color:#8a1c1c}ul.rules li.bad::before{content:"✗ "}
#idle-warning{position:fixed;bottom:1rem;right:1rem;max-width:24rem;background:#fff7e0;border:2px solid #c98a00;padding:1rem;border-radius:6px;box-shadow:0 2px 8px #0003}
.pager{display:flex;gap:1rem;margin:.6rem 0}.chart{margin:.6rem 0}.chart text{font-size:10px;fill:#333}
[hidden]{display:none!important}
main:has(table.preview),main:has(table.findings){max-width:72rem}table.preview,table.findings{width:auto}table.preview th,table.preview td,table.findings td{border:1px solid #ccd}
.scroll{overflow:auto;max-height:32rem}td.flagged{background:#fde8e8;outline:2px solid #c0392b;font-weight:bold}
.status{padding:.1rem .5rem;border-radius:3px;background:#eef}.status-approved,.status-placed{background:#e3f6e8}.status-rejected,.status-infected,.status-place-failed{background:#fde8e8}
nav.sub{display:flex;gap:1rem;margin:-.5rem 0 1rem;border-bottom:1px solid #dde;padding-bottom:.4rem}nav.sub a[aria-current]{font-weight:bold}
fieldset{border:1px solid #dde;margin:.8rem 0;padding:.4rem .8rem}label.check{display:inline-block;margin:.2rem 1rem .2rem 0}.pair{display:flex;gap:1rem}.pair input{width:auto}
section.once{border:2px solid #c98a00;background:#fff7e0;padding:.6rem 1rem;border-radius:6px;margin:1rem 0}
svg.chart{width:100%;height:auto;background:#fbfcfe;border:1px solid #dde}svg.chart .all{fill:#7a9cc6}svg.chart .deny{fill:#c0392b}svg.chart .axis{stroke:#99a}.legend .all{color:#3b5f8f}.legend .deny{color:#c0392b}svg.chart .logins{fill:#2f7d4f}svg.chart .failures{fill:#d68910}svg.chart .refusals{fill:#c0392b}svg.chart .blocked{fill:#6c3483}svg.chart .name{font-size:12px;font-weight:bold}.legend .logins{color:#2f7d4f}.legend .failures{color:#a86c0c}.legend .refusals{color:#c0392b}.legend .blocked{color:#6c3483}.chart .hint{font-size:.85rem;color:#555}
ul.files{list-style:none;padding:0}ul.files li{padding:.2rem 0}pre.text{max-height:32rem;overflow:auto;white-space:pre-wrap}img.preview{max-width:100%;border:1px solid #ccd}.actions{display:flex;gap:1rem}
`;

/** The CSP source that allows exactly the inlined stylesheet. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE_CSS).digest('base64')}'`;
