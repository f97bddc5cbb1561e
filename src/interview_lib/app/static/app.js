// The interview page: setup form → room → report. It talks to the server over one WebSocket (see
// interview_lib/app/protocol.py); the microphone is streamed as 16 kHz PCM while the candidate speaks.
// Every piece of text from the server is put on the page with textContent, never parsed as HTML.

const $ = (id) => document.getElementById(id);

const state = {
  sessionId: null,
  socket: null,
  voice: false,
  handsFree: true,
  silenceS: 4,
  turnNo: null,
  mic: null,
  paused: false,
  ended: false,
  retryMs: 500,
  countdownTimer: null,
  recordingTimer: null,
};

function show(view) {
  for (const id of ["setup-view", "room-view", "report-view"]) $(id).hidden = id !== view;
}

function put(element, value) {
  element.textContent = value === null || value === undefined ? "" : String(value);
}

function make(tag, value, className) {
  const element = document.createElement(tag);
  if (value !== undefined) put(element, value);
  if (className) element.className = className;
  return element;
}

async function getJson(url) {
  const reply = await fetch(url, { headers: { Accept: "application/json" } });
  if (!reply.ok) throw new Error(`${url}: ${reply.status}`);
  return reply.json();
}

// -- setup ------------------------------------------------------------------------------------------------
function fillSetup(options) {
  const form = $("setup-form");
  const choose = (name, values, chosen) => {
    const select = form.elements[name];
    for (const value of values) {
      const option = make("option", value);
      option.value = value;
      option.selected = value === chosen;
      select.append(option);
    }
  };
  choose("role", options.roles, "data-engineer");
  choose("level", options.levels, "mid");
  choose("cloud", options.clouds, "databricks-agnostic");
  for (const [key, title] of Object.entries(options.skills)) {
    const label = make("label");
    const box = make("input");
    box.type = "checkbox";
    box.name = "focus_skills";
    box.value = key;
    label.append(box, document.createTextNode(title));
    $("skills").append(label);
  }
}

// -- job posting: read by the server, shown, corrected here ----------------------------------------------------
const posting = { profile: null, readText: "", skills: {} };

async function readPosting() {
  const text = $("posting-text").value.trim();
  posting.profile = null;
  posting.readText = "";
  $("posting-edit").hidden = true;
  const reply = await fetch("api/posting", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const body = await reply.json();
  if (!reply.ok) {
    put($("posting-summary"), describeProblem(body));
    return false;
  }
  posting.profile = body;
  posting.readText = text;
  showPosting(body);
  return true;
}

function showPosting(profile) {
  const skills = Object.entries(profile.skills).sort((a, b) => b[1] - a[1]);
  const named = skills.map(([skill, weight]) => `${posting.skills[skill] || skill} ${weight.toFixed(2)}`).join(", ");
  const found = profile.is_data_engineering
    ? `${profile.title || "The posting"}: level ${profile.level || "not stated"}, cloud ${profile.cloud || "not named"}; ` +
      `skills ${named}; technologies ${profile.technologies.join(", ") || "none named"}.`
    : `${profile.title || "This posting"}: no data-engineering skill found.`;
  put($("posting-summary"), [found, ...profile.notes].join(" "));
  $("posting-skills").replaceChildren(
    ...skills.map(([skill]) => {
      const label = make("label");
      const box = make("input");
      box.type = "checkbox";
      box.name = "posting_skill";
      box.value = skill;
      box.checked = true;
      label.append(box, document.createTextNode(posting.skills[skill] || skill));
      return label;
    }),
  );
  $("posting-level").value = profile.level || "";
  $("posting-cloud").value = profile.cloud || "";
  $("posting-edit").hidden = !profile.is_data_engineering;
}

function correctedPosting() {
  const profile = posting.profile;
  if (!profile || !profile.is_data_engineering) return profile;
  const kept = [...document.querySelectorAll("input[name=posting_skill]:checked")].map((box) => box.value);
  const skills = Object.fromEntries(kept.map((skill) => [skill, profile.skills[skill]]));
  const level = $("posting-level").value || null;
  const cloud = $("posting-cloud").value || null;
  const changed = level !== profile.level || cloud !== profile.cloud || kept.length !== Object.keys(profile.skills).length;
  if (!changed) return profile;
  return { ...profile, skills, level, cloud, is_data_engineering: kept.length > 0, corrected: true };
}

function fillPostingChoices(options) {
  posting.skills = options.skills;
  for (const [id, values] of [["posting-level", options.levels], ["posting-cloud", ["aws", "azure", "gcp"]]]) {
    const select = $(id);
    const none = make("option", "not stated");
    none.value = "";
    select.append(none);
    for (const value of values) {
      const option = make("option", value);
      option.value = value;
      select.append(option);
    }
  }
}

async function startInterview(event) {
  event.preventDefault();
  const form = $("setup-form");
  const candidate = form.elements.candidate_id.value.trim();
  if (!candidate) {
    put($("setup-error"), "Enter a candidate id to start.");
    return;
  }
  const pasted = $("posting-text").value.trim();
  if (pasted && pasted !== posting.readText && !(await readPosting())) {
    put($("setup-error"), "The job posting could not be read: see the line under it.");
    return;
  }
  const setup = {
    posting: pasted ? correctedPosting() : null,
    candidate_id: candidate,
    cohort: form.elements.cohort.value.trim() || "default",
    role: form.elements.role.value,
    level: form.elements.level.value,
    cloud: form.elements.cloud.value,
    core_questions: Number(form.elements.core_questions.value),
    max_follow_ups: Number(form.elements.max_follow_ups.value),
    focus_skills: [...form.querySelectorAll("input[name=focus_skills]:checked")].map((box) => box.value),
    voice: form.elements.voice.checked,
  };
  const preferences = {
    handsFree: form.elements.hands_free.checked,
    silenceS: Math.min(30, Math.max(1.5, Number(form.elements.silence_s.value) || 4)),
  };
  $("start").disabled = true;
  put($("setup-error"), "Preparing the interview…");
  try {
    const reply = await fetch("api/interview/setup", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(setup),
    });
    const body = await reply.json();
    if (!reply.ok) throw new Error(describeProblem(body));
    sessionStorage.setItem(`dataready:${body.session_id}`, JSON.stringify(preferences));
    history.replaceState(null, "", `#session=${encodeURIComponent(body.session_id)}`);
    put($("setup-error"), "");
    open(body.session_id);
  } catch (error) {
    put($("setup-error"), `Could not start: ${error.message}`);
    $("start").disabled = false;
  }
}

function describeProblem(body) {
  if (Array.isArray(body.detail)) return body.detail.map((d) => `${d.loc.slice(1).join(".")}: ${d.msg}`).join("; ");
  return body.detail || "the server refused the setup";
}

// -- the connection -------------------------------------------------------------------------------------------
function open(sessionId) {
  state.sessionId = sessionId;
  const saved = JSON.parse(sessionStorage.getItem(`dataready:${sessionId}`) || "{}");
  state.handsFree = saved.handsFree ?? true;
  state.silenceS = saved.silenceS ?? 4;
  show("room-view");
  connect();
}

function connect() {
  const url = new URL(`ws/interview/${encodeURIComponent(state.sessionId)}`, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.hash = "";
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  state.socket = socket;
  socket.onmessage = (event) => handle(JSON.parse(event.data));
  socket.onclose = (event) => {
    if (state.socket !== socket || state.ended) return;
    stopAnswer(false);
    if (event.code === 1008) {
      put($("room-error"), `This interview cannot be opened: ${event.reason || "it is not yours"}.`);
      setBusy(true);
      return;
    }
    put($("connection"), "Connection lost: reconnecting…");
    setTimeout(connect, state.retryMs);
    state.retryMs = Math.min(8000, state.retryMs * 2);
  };
}

function send(message) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify(message));
    return true;
  }
  put($("room-error"), "Not connected: wait a moment and try again.");
  return false;
}

const handlers = {
  connected(message) {
    state.retryMs = 500;
    state.voice = message.voice;
    put($("who"), `Signed in as ${message.user}`);
    put($("connection"), "");
    $("mic-panel").hidden = !message.voice;
    $("upload-row").hidden = !message.voice;
    if (!message.started) send({ type: "start" });
    else if (message.question) showQuestion(message.question, { again: true });
    else send({ type: "end" });
  },
  question: (message) => showQuestion(message, {}),
  followup: (message) => showQuestion(message, {}),
  transcript(message) {
    if (!message.final) put($("heard"), `Heard so far: ${message.text}`);
  },
  listening(message) {
    if (!message.active) stopAnswer(false);
  },
  countdown: showCountdown,
  evaluation: showEvaluation,
  notice(message) {
    put($("feedback"), message.message);
    setBusy(false);
  },
  state_change(message) {
    state.paused = message.to_state === "PAUSED";
    put($("pause"), state.paused ? "Resume" : "Pause");
    for (const id of ["submit", "skip", "record"]) $(id).disabled = state.paused;
  },
  complete(message) {
    put($("mic-status"), message.message);
  },
  ended(message) {
    state.ended = true;
    stopAnswer(false);
    history.replaceState(null, "", `#report=${encodeURIComponent(state.sessionId)}`);
    showReport(message.report, message.report_url);
    state.socket.close(1000);
  },
  error(message) {
    if (message.code === "not_listening" && !state.mic) return; // a frame that crossed the end of an answer
    put($("room-error"), message.message);
    setBusy(false);
  },
  pong() {},
};

function handle(message) {
  const handler = handlers[message.type];
  if (handler) handler(message);
}

// -- the room -------------------------------------------------------------------------------------------------
function setBusy(busy) {
  for (const id of ["submit", "skip", "record", "upload", "typed"]) $(id).disabled = busy || state.paused;
}

function showQuestion(question, { again }) {
  state.turnNo = question.turn_no;
  const progress = question.progress;
  const marker = question.follow_up_type ? ` · ${question.follow_up_type} follow-up` : "";
  put($("progress"), `Question ${progress.core_asked} of ${progress.core_total}${marker}`);
  put($("question"), question.text);
  put($("heard"), "");
  put($("room-error"), "");
  $("typed").value = "";
  $("upload").value = "";
  hideCountdown();
  setBusy(false);
  const ready = state.voice && question.audio_url && !again ? speak(question.audio_url) : Promise.resolve();
  ready.then(() => {
    if (state.voice && state.handsFree && state.turnNo === question.turn_no && !state.ended) startAnswer(true);
  });
}

function speak(url) {
  const audio = $("question-audio");
  audio.hidden = false;
  return new Promise((resolve) => {
    const done = () => resolve();
    audio.onended = done;
    audio.onerror = done;
    audio.src = url;
    audio.play().catch(done); // a browser that does not autoplay: the question is on screen, listening starts
    setTimeout(done, 90_000);
  });
}

function showEvaluation(evaluation) {
  const box = $("feedback");
  box.replaceChildren();
  if (evaluation.status === "scored") {
    const line = make("p");
    line.append(make("span", `Score ${evaluation.overall.toFixed(1)}/10`, "score"), document.createTextNode(` — ${evaluation.rationale}`));
    box.append(line);
  } else {
    box.append(make("p", `Not scored: ${evaluation.reason}`));
  }
  for (const quote of evaluation.evidence.slice(0, 2)) box.append(make("blockquote", quote));
  if (evaluation.missing_points.length) {
    box.append(make("p", "Missing:"));
    const list = make("ul");
    for (const point of evaluation.missing_points) list.append(make("li", point));
    box.append(list);
  }
  put($("heard"), "");
}

// -- the microphone -----------------------------------------------------------------------------------------
async function openMicrophone(onBlock) {
  const stream = await navigator.mediaDevices.getUserMedia({
    // the raw signal: echo cancellation and noise suppression distort speech for the recogniser
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  let context;
  try {
    context = new AudioContext({ sampleRate: 16000 });
  } catch {
    context = new AudioContext(); // the worklet averages down to 16 kHz
  }
  await context.audioWorklet.addModule("static/pcm-worklet.js");
  const source = context.createMediaStreamSource(stream);
  const capture = new AudioWorkletNode(context, "pcm-capture");
  const mute = context.createGain();
  mute.gain.value = 0;
  let flushed = null;
  capture.port.onmessage = (event) => {
    if (event.data === "flushed") flushed?.();
    else onBlock(event.data);
  };
  source.connect(capture).connect(mute).connect(context.destination);
  return {
    async stop() {
      await new Promise((resolve) => {
        flushed = resolve;
        capture.port.postMessage("flush");
        setTimeout(resolve, 300);
      });
      source.disconnect();
      capture.disconnect();
      stream.getTracks().forEach((track) => track.stop());
      await context.close();
    },
  };
}

async function startAnswer(handsFree) {
  if (state.mic || state.paused) return;
  const turnNo = state.turnNo;
  if (!send({ type: "listen", hands_free: handsFree, silence_s: state.silenceS, turn_no: turnNo })) return;
  const pending = { stop: async () => {} };
  state.mic = pending;
  try {
    const mic = await openMicrophone((block) => state.socket.send(block));
    if (state.mic !== pending) {
      await mic.stop(); // the answer ended while the microphone was opening
      return;
    }
    state.mic = mic;
  } catch (error) {
    state.mic = null;
    send({ type: "discard" });
    put($("room-error"), `The microphone could not be opened (${error.message}): allow it, or upload or type.`);
    return;
  }
  $("record").hidden = true;
  $("stop").hidden = false;
  const started = Date.now();
  const tick = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    put($("mic-status"), `● recording ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`);
  };
  tick();
  $("mic-status").className = "status recording";
  state.recordingTimer = setInterval(tick, 1000);
}

async function stopAnswer(submit) {
  const mic = state.mic;
  if (!mic) return;
  state.mic = null;
  clearInterval(state.recordingTimer);
  hideCountdown();
  $("record").hidden = false;
  $("stop").hidden = true;
  $("mic-status").className = "status";
  put($("mic-status"), submit ? "Scoring your answer…" : "");
  await mic.stop();
  if (submit) {
    setBusy(true);
    send({ type: "response", streamed: true, turn_no: state.turnNo });
  }
}

function showCountdown(message) {
  const box = $("countdown");
  hideCountdown();
  if (message.phase === "started") {
    const ends = Date.now() + message.seconds_left * 1000;
    const tick = () => {
      const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      put(box, `Your answer ends in ${left} s — keep talking to carry on, or press Stop.`);
    };
    tick();
    box.hidden = false;
    state.countdownTimer = setInterval(tick, 250);
  } else if (message.phase === "held") {
    box.className = "countdown held";
    put(box, "Take your time: the answer ends after you speak again and stop.");
    box.hidden = false;
  } else if (message.phase === "ended") {
    put($("mic-status"), "Scoring your answer…");
    setBusy(true);
    stopAnswer(false);
  }
}

function hideCountdown() {
  clearInterval(state.countdownTimer);
  const box = $("countdown");
  box.hidden = true;
  box.className = "countdown";
}

// -- buttons --------------------------------------------------------------------------------------------------
async function submit() {
  const typed = $("typed").value.trim();
  const file = $("upload").files[0];
  if (!typed && !file) {
    put($("feedback"), "Record, upload or type an answer first.");
    return;
  }
  if (state.mic) {
    await stopAnswer(false);
    send({ type: "discard" });
  }
  setBusy(true);
  if (typed) {
    send({ type: "response", transcript: typed, turn_no: state.turnNo });
    return;
  }
  const data = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let at = 0; at < data.length; at += 0x8000) binary += String.fromCharCode(...data.subarray(at, at + 0x8000));
  send({ type: "response", audio: btoa(binary), audio_name: file.name, turn_no: state.turnNo });
}

function bindRoom() {
  $("record").addEventListener("click", () => startAnswer(state.handsFree));
  $("stop").addEventListener("click", () => stopAnswer(true));
  $("submit").addEventListener("click", submit);
  $("skip").addEventListener("click", async () => {
    await stopAnswer(false);
    setBusy(true);
    send({ type: "skip", turn_no: state.turnNo });
  });
  $("pause").addEventListener("click", async () => {
    await stopAnswer(false);
    send({ type: state.paused ? "resume" : "pause" });
  });
  $("end").addEventListener("click", async () => {
    await stopAnswer(false);
    setBusy(true);
    send({ type: "end" });
  });
}

// -- the report -----------------------------------------------------------------------------------------------
function showReport(report, url) {
  show("report-view");
  const overall = report.overall === null ? "—" : report.overall.toFixed(1);
  put($("report-overall"), `${report.candidate_id} — overall ${overall}/10 · ${report.answered} answered, ${report.skipped} skipped`);
  const rows = $("report-dimensions").tBodies[0];
  rows.replaceChildren();
  for (const [name, value] of Object.entries(report.dimensions)) {
    const row = make("tr");
    row.append(make("td", name.replaceAll("_", " ")), make("td", value.toFixed(1)));
    rows.append(row);
  }
  const list = (id, items) => {
    $(id).replaceChildren(...(items.length ? items : ["—"]).map((item) => make("li", item)));
  };
  list("report-strengths", report.strengths);
  list("report-next", report.practice_next);
  showFit(report.posting_fit);
  const questions = $("report-questions");
  questions.replaceChildren();
  for (const q of report.questions) {
    const details = make("details");
    const score = q.overall === null ? q.status : q.overall.toFixed(1);
    details.append(make("summary", `${q.turn_no}. ${q.question} — ${score}`));
    details.append(make("p", q.answer || "(no answer)"));
    if (q.rationale) details.append(make("p", q.rationale, "muted"));
    for (const quote of q.evidence) details.append(make("blockquote", quote));
    questions.append(details);
  }
  $("report-link").href = url;
}

const FIT_STATUS = { strong: "strong", ok: "fair", weak: "weak", not_covered: "not covered yet" };

function showFit(fit) {
  $("report-fit").hidden = !fit;
  if (!fit) return;
  put($("report-fit-title"), `Fit to the posting${fit.title ? `: ${fit.title}` : ""}`);
  const scored = fit.fit_score === null ? "nothing scored yet" : `${fit.fit_score.toFixed(1)}/10 on it`;
  put($("report-fit-summary"), `${Math.round(100 * fit.coverage)}% of what it asks for was covered · ${scored}`);
  const rows = $("report-fit-skills").tBodies[0];
  rows.replaceChildren(
    ...fit.skills.map((skill) => {
      const row = make("tr");
      const score = skill.score === null ? "—" : skill.score.toFixed(1);
      row.append(make("td", skill.title), make("td", score), make("td", FIT_STATUS[skill.status]));
      return row;
    }),
  );
  $("report-fit-next").replaceChildren(...fit.practice_next.map((line) => make("li", line)));
}

async function openReport(sessionId) {
  try {
    showReport(await getJson(`api/interview/${encodeURIComponent(sessionId)}/report`), `report/${encodeURIComponent(sessionId)}`);
  } catch {
    show("setup-view");
    put($("setup-error"), "That report is not available.");
  }
}

// -- start ----------------------------------------------------------------------------------------------------
async function boot() {
  $("setup-form").addEventListener("submit", startInterview);
  $("posting-read").addEventListener("click", () =>
    readPosting().catch((error) => put($("posting-summary"), `The posting could not be read: ${error.message}`)),
  );
  bindRoom();
  const [me, options] = await Promise.all([getJson("api/me"), getJson("api/options")]);
  put($("who"), `Signed in as ${me.user}`);
  fillSetup(options);
  fillPostingChoices(options);
  const wanted = new URLSearchParams(location.hash.slice(1));
  if (wanted.get("session")) open(wanted.get("session"));
  else if (wanted.get("report")) openReport(wanted.get("report"));
  else show("setup-view");
}

boot().catch((error) => put($("setup-error"), `The page could not load: ${error.message}`));
