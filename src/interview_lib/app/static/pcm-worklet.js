// The microphone as 16 kHz mono 16-bit PCM: runs in the audio thread, averages the context's samples down to
// 16 kHz when the context runs faster, and posts a block every 100 ms (and whatever is left when asked to flush).
const TARGET_RATE = 16000;
const BLOCK = 1600;

class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE;
    this.phase = 0;
    this.sum = 0;
    this.count = 0;
    this.block = new Int16Array(BLOCK);
    this.filled = 0;
    this.port.onmessage = (event) => {
      if (event.data === "flush") {
        this.flush();
        this.port.postMessage("flushed");
      }
    };
  }

  push(value) {
    const clipped = Math.max(-1, Math.min(1, value));
    this.block[this.filled++] = clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff;
    if (this.filled === BLOCK) this.flush();
  }

  flush() {
    if (!this.filled) return;
    const out = this.block.slice(0, this.filled);
    this.filled = 0;
    this.port.postMessage(out.buffer, [out.buffer]);
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.step <= 1.0001) {
      for (let i = 0; i < channel.length; i++) this.push(channel[i]);
      return true;
    }
    for (let i = 0; i < channel.length; i++) {
      this.sum += channel[i];
      this.count += 1;
      this.phase += 1;
      if (this.phase >= this.step) {
        this.push(this.sum / this.count);
        this.sum = 0;
        this.count = 0;
        this.phase -= this.step;
      }
    }
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);
