import { DISPLAY_HEIGHT, DISPLAY_WIDTH } from './frame.js';
import { createImage, fillRect, type RgbImage } from './image.js';
import { drawExchange } from './render-exchange.js';
import { COLOURS, type DisplayState } from './render-state.js';
import { drawBanners, drawStatus } from './render-status.js';
import { drawPageTabs, drawStrip, drawTouched } from './render-strip.js';

/**
 * Push 2's display for one state: the parameter strip under the encoders, the last exchange
 * as a drum grid with its log-likelihood sparklines, tempo, clock and models on the right,
 * the page names above the buttons that pick them, banners, and a touched encoder's value
 * large. Pure: state in, 960x160 RGB out.
 */
export function renderDisplay(s: DisplayState, into?: RgbImage): RgbImage {
  const img = into ?? createImage(DISPLAY_WIDTH, DISPLAY_HEIGHT);
  fillRect(img, 0, 0, img.width, img.height, COLOURS.background);
  drawStrip(img, s);
  drawExchange(img, s);
  drawStatus(img, s);
  drawPageTabs(img, s);
  drawBanners(img, s);
  drawTouched(img, s);
  return img;
}
