"""The microphone widget: the browser records and streams 16 kHz audio to the kernel while the candidate speaks,
so the answer is transcribed as it goes and scored moments after "Stop" (or, hands-free, after a silence: the kernel
then tells the browser to stop recording).

It is an anywidget (a small ES module, no build step; JupyterLab, Notebook 7, Voila and VS Code load it). The
browser resamples the microphone to 16 kHz mono (Web Audio), and sends a message with about half a second of
float32 samples at a time; the kernel hands each block to the callbacks the room registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import numpy as np
import traitlets

from interview_lib.speech.streaming import Samples

_ESM = """
const BLOCK = 8000;  // samples per message: half a second at 16 kHz

async function open(model) {
  const stream = await navigator.mediaDevices.getUserMedia({
    // the raw signal: the browser's echo cancellation, noise suppression and gain control distort speech for
    // Whisper, which copes with room noise by itself (the question has finished playing before recording starts)
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext({ sampleRate: 16000 });
  const source = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(4096, 1, 1);
  let pending = [];
  let size = 0;
  const flush = () => {
    if (!size) return;
    const block = new Float32Array(size);
    let at = 0;
    for (const part of pending) { block.set(part, at); at += part.length; }
    pending = [];
    size = 0;
    model.send({ kind: "audio" }, undefined, [block.buffer]);
  };
  processor.onaudioprocess = (event) => {
    const samples = event.inputBuffer.getChannelData(0);
    pending.push(new Float32Array(samples));
    size += samples.length;
    if (size >= BLOCK) flush();
  };
  model.send({ kind: "start" });
  source.connect(processor);
  processor.connect(context.destination);
  return async () => {
    processor.disconnect();
    source.disconnect();
    stream.getTracks().forEach((track) => track.stop());
    flush();
    await context.close();
    model.send({ kind: "stop" });
  };
}

export default {
  render({ model, el }) {
    const button = document.createElement("button");
    button.className = "dataready-mic jupyter-button";
    let close = null;
    const show = () => {
      button.textContent = close ? "■ Stop and submit" : "● Record answer";
      button.disabled = !model.get("enabled") && !close;
    };
    const stop = async () => {
      if (!close) return;
      const stopping = close;
      close = null;
      show();
      await stopping();
      model.set("recording", false);
      model.save_changes();
    };
    const start = async () => {
      try {
        close = await open(model);
        model.set("recording", true);
        model.set("error", "");
      } catch (error) {
        model.set("error", String(error));
      }
      show();
      model.save_changes();
    };
    button.addEventListener("click", () => (close ? stop() : start()));
    // the kernel ends a hands-free answer: stop recording as if "Stop" had been pressed
    model.on("msg:custom", (message) => { if (message.kind === "stop") stop(); });
    model.on("change:enabled", show);
    show();
    el.append(button);
  },
};
"""


class StreamingMicrophone(anywidget.AnyWidget):
    """A record/stop button whose audio reaches the kernel while it is recorded."""

    _esm = _ESM
    enabled = traitlets.Bool(True).tag(sync=True)  # the room turns it off while it is busy
    recording = traitlets.Bool(False).tag(sync=True)  # set by the browser
    error = traitlets.Unicode("").tag(sync=True)  # why the browser could not open the microphone

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_start: Callable[[], None] = _nothing
        self._on_audio: Callable[[Samples], None] = _ignore
        self._on_stop: Callable[[], None] = _nothing
        self.on_msg(self._message)

    def on_answer(self, start: Callable[[], None], audio: Callable[[Samples], None], stop: Callable[[], None]) -> None:
        """Call ``start`` when recording begins, ``audio`` with each block, ``stop`` when the candidate stops."""
        self._on_start, self._on_audio, self._on_stop = start, audio, stop

    def stop_recording(self) -> None:
        """Tell the browser to stop recording, as if "Stop" were pressed (it then sends its last block and "stop")."""
        self.send({"kind": "stop"})

    def _message(self, _widget: Any, content: dict[str, Any], buffers: list[bytes]) -> None:
        kind = content.get("kind")
        if kind == "start":
            self._on_start()
        elif kind == "audio":
            for buffer in buffers:
                self._on_audio(np.frombuffer(buffer, dtype=np.float32).copy())
        elif kind == "stop":
            self._on_stop()


def _nothing() -> None:
    """No callback registered."""


def _ignore(_samples: Samples) -> None:
    """No callback registered."""


def microphone(on_databricks: bool) -> tuple[StreamingMicrophone | None, str | None]:
    """The mic widget, or None and why (``on_databricks``: in a Databricks notebook, which does not render
    third-party widgets)."""
    if on_databricks:
        return None, "Databricks notebooks do not render the microphone widget: upload a recording or type."
    return StreamingMicrophone(), None
