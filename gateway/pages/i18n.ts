import type { IncomingHttpHeaders } from 'node:http';
import { LANG_COOKIE, readCookie } from '../sessions/cookies.js';

export type Lang = 'ja' | 'en';

/** Japanese first (the users are Japanese analysts and staff); English on request. */
export function pickLang(headers: IncomingHttpHeaders, query?: string | null): Lang {
  if (query === 'en' || query === 'ja') return query;
  const cookie = readCookie(headers.cookie, LANG_COOKIE);
  if (cookie === 'en' || cookie === 'ja') return cookie;
  return 'ja';
}

export const text = {
  title: { ja: 'HIC 解析基盤ゲートウェイ', en: 'HIC analysis gateway' },
  login: { ja: 'ログイン', en: 'Log in' },
  username: { ja: 'ユーザーID', en: 'User ID' },
  password: { ja: 'パスワード', en: 'Password' },
  next: { ja: '次へ', en: 'Next' },
  totpHeading: { ja: 'ワンタイムコード', en: 'One-time code' },
  totpHelp: {
    ja: '認証アプリに表示されている6桁のコードを入力してください。',
    en: 'Enter the 6-digit code shown in your authenticator app.',
  },
  code: { ja: 'コード', en: 'Code' },
  verify: { ja: '確認', en: 'Verify' },
  loginThrottled: {
    ja: 'この端末からのログイン失敗が続いたため、少し待ってから再度お試しください。',
    en: 'Too many failed logins from this terminal. Wait a moment and try again.',
  },
  loginFailed: { ja: 'ユーザーID、パスワードまたはコードが正しくありません。', en: 'The user ID, password or code is incorrect.' },
  loginExpired: {
    ja: 'ログイン手続きの有効期限が切れました。最初からやり直してください。',
    en: 'The login has expired. Please start again.',
  },
  logout: { ja: 'ログアウト', en: 'Log out' },
  loggedOut: { ja: 'ログアウトしました。', en: 'You have logged out.' },
  logoutConfirm: { ja: 'ログアウトしますか？', en: 'Do you want to log out?' },
  idleNotice: {
    ja: '20分間操作がなかったため、自動的にログアウトしました。',
    en: 'You were logged out after 20 minutes without activity.',
  },
  denied: { ja: 'アクセスできません', en: 'Access denied' },
  csrf: {
    ja: 'フォームの有効期限が切れたか、このサイト以外から送信されました。再読み込みしてやり直してください。',
    en: 'The form has expired or was not sent from this site. Reload and try again.',
  },
  unavailable: {
    ja: '一時的にご利用いただけません。しばらくしてから再度お試しください。',
    en: 'The service is temporarily unavailable. Please try again later.',
  },
  notFound: { ja: 'ページが見つかりません。', en: 'Page not found.' },
  switchLang: { ja: 'English', en: '日本語' },
  userLabel: { ja: 'ユーザー', en: 'User' },
  idleWarning: {
    ja: '操作がないため、あと2分で自動的にログアウトします。作業を続ける場合は「続ける」を押してください。',
    en: 'You will be logged out in 2 minutes because there has been no activity. Press "Continue" to stay logged in.',
  },
  idleContinue: { ja: '続ける', en: 'Continue' },
  resetDone: {
    ja: 'パスワードを再設定しました。新しいパスワードでログインしてください。',
    en: 'Your password has been reset. Please log in with your new password.',
  },
  cannotLogin: { ja: 'ログインできない場合', en: 'Cannot log in?' },
  cannotLoginHelp: {
    ja: 'パスワードを忘れた場合や、何度も失敗してログインできなくなった場合は、ヘルプデスクに連絡してください。本人確認の後、リセットコードをお伝えします。',
    en: 'If you forgot your password or can no longer log in after failed attempts, contact the helpdesk. After checking your identity they give you a reset code.',
  },
  helpdeskContact: { ja: 'ヘルプデスク', en: 'Helpdesk' },
  haveResetCode: { ja: 'リセットコードをお持ちの方：パスワードの再設定', en: 'Have a reset code? Reset your password' },
} as const satisfies Record<string, Record<Lang, string>>;

/** What a person is told about a refusal: plain words, no internals (the exact reason goes to the log). */
export const denialText: Record<string, Record<Lang, string>> = {
  'terminal-certificate-missing': {
    ja: '端末証明書が提示されていません。登録された利用端末から、発行されたクライアント証明書を使って接続してください。',
    en: 'No terminal certificate was presented. Connect from a registered terminal with the client certificate issued to it.',
  },
  'terminal-certificate-untrusted': {
    ja: 'この端末証明書は本ゲートウェイの認証局が発行したものではありません。',
    en: "This terminal certificate was not issued by this gateway's certificate authority.",
  },
  'terminal-certificate-expired': {
    ja: '端末証明書の有効期限が切れています。管理者に更新を依頼してください。',
    en: 'The terminal certificate has expired. Ask the administrator to renew it.',
  },
  'terminal-certificate-not-yet-valid': {
    ja: '端末証明書はまだ有効になっていません。',
    en: 'The terminal certificate is not valid yet.',
  },
  'terminal-not-registered': {
    ja: 'この端末は利用端末管理簿に登録されていません。',
    en: 'This terminal is not in the register of terminals.',
  },
  'terminal-revoked': { ja: 'この端末証明書は失効しています。', en: 'This terminal certificate has been revoked.' },
  'terminal-not-assigned': {
    ja: 'この端末はこの研究課題での利用が承認されていません。',
    en: 'This terminal is not approved for this project.',
  },
  'network-not-approved': {
    ja: '承認された場所（ネットワーク）以外からは利用できません。',
    en: 'Access is allowed only from the approved place (network).',
  },
  'session-terminal-mismatch': {
    ja: 'このセッションは別の端末で開始されました。もう一度ログインしてください。',
    en: 'This session was started on another terminal. Please log in again.',
  },
  'store-unavailable': text.unavailable,
  'download-blocked': {
    ja: 'ゲートウェイ経由の直接のダウンロード（持ち出し）はできません。集計結果の持ち出しは申請し、審査を受けてください。',
    en: 'Direct downloads are not allowed. Results leave the workspace only through a reviewed export request.',
  },
  'upload-blocked': {
    ja: 'ゲートウェイ経由の直接のアップロード（持ち込み）はできません。持ち込みは申請し、審査を受けてください。',
    en: 'Direct uploads are not allowed. Files enter the workspace only through a reviewed import request.',
  },
  'transfer-blocked': {
    ja: 'この操作はファイルをダウンロードできる形に変えるため、ゲートウェイでは行えません。持ち出しは申請し、審査を受けてください。',
    en: 'This would turn a file into a kind that can be downloaded, which the gateway does not allow. Use a reviewed export request.',
  },
  'admin-blocked': {
    ja: 'ワークスペースの管理操作（停止など）はゲートウェイ経由では行えません。',
    en: 'Administering the workspace (such as shutting it down) is not allowed through the gateway.',
  },
  'terminal-blocked': {
    ja: 'この研究課題ではワークスペースのターミナルは使用できません。',
    en: 'Workspace terminals are not enabled for this project.',
  },
  'upgrade-not-allowed': {
    ja: 'この接続（WebSocket）はワークスペースの許可された経路ではありません。',
    en: "This connection (WebSocket) is not one of the workspace's permitted routes.",
  },
  'workspace-unavailable': {
    ja: 'ワークスペースに接続できません。しばらくしてから再度お試しください。解決しない場合はヘルプデスクに連絡してください。',
    en: 'The workspace is unavailable. Please try again later, or contact the helpdesk if it persists.',
  },
  'workspace-refused-upgrade': {
    ja: 'ワークスペースがこの接続を受け付けませんでした。ページを再読み込みしてください。',
    en: 'The workspace did not accept this connection. Please reload the page.',
  },
  'path-invalid': {
    ja: 'このアドレスは受け付けられません（曖昧な経路）。',
    en: 'This address is not accepted (ambiguous path).',
  },
  'gateway-path-unknown': text.notFound,
  'body-too-large': {
    ja: '送信されたデータが大きすぎます。データの持ち込みは申請し、審査を受けてください。',
    en: 'The request body is too large. Bring data in through an import request.',
  },
  'password-change-required': {
    ja: 'パスワードの変更（初回は認証アプリの登録も）が必要です。/_hic/password から手続きしてください。',
    en: 'You must change your password (and, the first time, enrol your authenticator) at /_hic/password.',
  },
};
