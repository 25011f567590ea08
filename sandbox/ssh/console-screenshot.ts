/**
 * The console screenshot boot diagnostics also keeps: a 1x1 black 24-bit BMP (a sandbox VM has no screen; the
 * blob exists so the URI Azure hands out leads somewhere).
 */
export function consoleScreenshot(): Buffer {
  const image = Buffer.alloc(58);
  image.write("BM", 0, "ascii");
  image.writeUInt32LE(image.length, 2);
  image.writeUInt32LE(54, 10); // pixel data offset
  image.writeUInt32LE(40, 14); // BITMAPINFOHEADER size
  image.writeInt32LE(1, 18); // width
  image.writeInt32LE(1, 22); // height
  image.writeUInt16LE(1, 26); // planes
  image.writeUInt16LE(24, 28); // bits per pixel
  image.writeUInt32LE(4, 34); // image size: one pixel padded to 4 bytes
  return image;
}
