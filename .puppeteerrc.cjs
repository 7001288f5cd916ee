// Ventanilla never lets npm download a browser: WhatsApp Web mode drives Debian's Chromium
// (CHROMIUM_PATH, default /usr/bin/chromium). Puppeteer reads this file on every install.
module.exports = { skipDownload: true };
