#!/usr/bin/env node
// @ts-check
// Draws the extension icon (images/extension-icon.png, 128×128 RGBA) with nothing but Node's zlib: a rounded
// blue square holding a white shield (the network gate) with a check mark cut out of it. The PNG is committed;
// run this again only to change the design: node scripts/package/make-icon.js [output.png]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const SIZE = 128;
const SAMPLES = 4; // 4×4 supersampling per pixel for smooth edges
const BACKGROUND = [0, 120, 212]; // Azure blue
const FOREGROUND = [255, 255, 255];

/** Signed-distance style tests, all in pixel coordinates of the 128×128 canvas. */
function insideRoundedSquare(x, y) {
  const margin = 4;
  const radius = 22;
  const lo = margin + radius;
  const hi = SIZE - margin - radius;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= margin && y >= margin && x <= SIZE - margin && y <= SIZE - margin;
}

function insideShield(x, y) {
  // Flat top with rounded shoulders, straight sides down to y=68, then two arcs meeting in a point at the bottom.
  const left = 32;
  const right = 96;
  const top = 24;
  const shoulder = 10;
  const mid = 64;
  if (y < top || x < left || x > right) return false;
  if (y < top + shoulder) {
    const cx = x < left + shoulder ? left + shoulder : x > right - shoulder ? right - shoulder : x;
    return (x - cx) ** 2 + (y - (top + shoulder)) ** 2 <= shoulder ** 2;
  }
  if (y <= 68) return true;
  // Lower part: the half-width shrinks along a curve from 32 at y=68 to 0 at y=110.
  const t = (y - 68) / (110 - 68);
  if (t > 1) return false;
  const halfWidth = 32 * Math.sqrt(1 - t * t);
  return Math.abs(x - mid) <= halfWidth;
}

function distanceToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideCheck(x, y) {
  const halfStroke = 5.5;
  return distanceToSegment(x, y, 47, 63, 59, 76) <= halfStroke || distanceToSegment(x, y, 59, 76, 82, 49) <= halfStroke;
}

/** Coverage of background and foreground for one pixel, each 0..1. */
function sample(px, py) {
  let square = 0;
  let mark = 0;
  for (let sy = 0; sy < SAMPLES; sy += 1) {
    for (let sx = 0; sx < SAMPLES; sx += 1) {
      const x = px + (sx + 0.5) / SAMPLES;
      const y = py + (sy + 0.5) / SAMPLES;
      if (!insideRoundedSquare(x, y)) continue;
      square += 1;
      if (insideShield(x, y) && !insideCheck(x, y)) mark += 1;
    }
  }
  const n = SAMPLES * SAMPLES;
  return { square: square / n, mark: mark / n };
}

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function renderPng() {
  const rows = [];
  for (let y = 0; y < SIZE; y += 1) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (None), then RGBA
    for (let x = 0; x < SIZE; x += 1) {
      const { square, mark } = sample(x, y);
      const markShare = square === 0 ? 0 : mark / square;
      for (let c = 0; c < 3; c += 1) {
        row[1 + x * 4 + c] = Math.round(BACKGROUND[c] * (1 - markShare) + FOREGROUND[c] * markShare);
      }
      row[1 + x * 4 + 3] = Math.round(square * 255);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

module.exports = { renderPng };

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "..", "images", "extension-icon.png"));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderPng());
  console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
}
