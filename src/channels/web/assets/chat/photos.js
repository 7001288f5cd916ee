// @ts-check
// Photos are made small before they are sent: phones take pictures far larger than a case needs.

const PHOTO_MAX_SIDE = 1600;
const PHOTO_QUALITY = 0.8;
const PHOTO_KEEP_AS_IS_BYTES = 1.5 * 1024 * 1024;
/* Sent as they are when small enough; anything else is re-encoded to JPEG when the browser can decode it. */
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

/**
 * Downscales big photos to ≤ 1600 px JPEG (quality 0.8); small supported images go as they are;
 * anything the browser cannot decode is sent untouched and the server decides.
 * @param {File} file
 * @returns {Promise<Blob>}
 */
export function preparePhoto(file) {
  const supported = PHOTO_TYPES.indexOf(file.type) !== -1;
  return loadImage(file).then(
    (img) => {
      const w = img.naturalWidth || img.width;
      const h = img.naturalHeight || img.height;
      if (!w || !h) return file;
      const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(w, h));
      if (supported && scale === 1 && file.size <= PHOTO_KEEP_AS_IS_BYTES) return file;
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      const ctx = canvas.getContext('2d');
      if (!ctx) return file;
      ctx.fillStyle = '#ffffff'; // transparent PNGs would turn black in JPEG
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise((resolve) => {
        try {
          canvas.toBlob(
            (blob) => {
              if (!blob) return resolve(file);
              if (supported && scale === 1 && blob.size >= file.size) return resolve(file);
              resolve(blob);
            },
            'image/jpeg',
            PHOTO_QUALITY,
          );
        } catch (_e) {
          resolve(file);
        }
      });
    },
    () => file,
  );
}

/** @param {File} file @returns {Promise<HTMLImageElement>} */
function loadImage(file) {
  return new Promise((resolve, reject) => {
    /** @type {string} */
    let url;
    try {
      url = URL.createObjectURL(file);
    } catch (e) {
      reject(e);
      return;
    }
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('decode'));
    };
    img.src = url;
  });
}
