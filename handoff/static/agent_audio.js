// Taking a handed-off phone call by voice in the agent console: the browser's microphone and
// speaker join the call through the voice gateway (WS, 8 kHz mu-law both ways), with mute and hang-up. The
// hub issues a one-use ticket for the call this agent owns; the gateway checks it. Typing stays the fallback.
// Reads `current` (agent.js's open conversation); agent.js itself is not changed.
Object.assign(I18N.zh, { call_take: "接听通话", call_mute: "静音", call_unmute: "取消静音", call_hangup: "挂断",
  call_live: "通话中", call_muted: "已静音", call_ended: "通话已结束", call_heard: "客户", call_sent: "我",
  call_refused: "无法接入通话音频", call_no_mic: "无法使用麦克风" });
Object.assign(I18N.en, { call_take: "Take as a call", call_mute: "Mute", call_unmute: "Unmute", call_hangup: "Hang up",
  call_live: "On the call", call_muted: "Muted", call_ended: "Call ended", call_heard: "Caller", call_sent: "Me",
  call_refused: "Could not join the call audio", call_no_mic: "The microphone is not available" });

const AgentCall = (() => {
  const bar = document.getElementById("call-bar");
  const status = document.getElementById("call-status");
  const take = document.getElementById("call-take");
  const mute = document.getElementById("call-mute");
  const hangup = document.getElementById("call-hangup");
  const heard = document.getElementById("call-heard");
  const sent = document.getElementById("call-sent");
  applyI18n(bar);  // agent.js translated the page before these words were added
  let call = null;  // { cid, ws, ctx, stream, node, muted }
  const figures = { framesSent: 0, framesHeard: 0, onsets: { sent: [], heard: [] }, outputLatency: 0 };

  function say(key) { status.dataset.i18n = key; status.textContent = tr(key); }

  function refresh() {
    const voice = typeof current !== "undefined" && current && current.channel === "voice";
    bar.hidden = !voice && !call;
    take.hidden = !!call;
    mute.hidden = hangup.hidden = !call;
    if (call) { mute.dataset.i18n = call.muted ? "call_unmute" : "call_mute"; mute.textContent = tr(mute.dataset.i18n); }
  }

  function stop(reason) {
    if (!call) return;
    const { ws, ctx, stream } = call;
    call = null;
    stream.getTracks().forEach((t) => t.stop());
    ctx.close().catch(() => {});
    if (ws.readyState <= 1) ws.close(1000);
    heard.value = sent.value = 0;
    say(reason);
    refresh();
  }

  async function start() {
    if (call || !current) return;
    const cid = current.conversation_id;
    let grant;
    try { grant = await api("POST", `/api/console/conversations/${encodeURIComponent(cid)}/audio-ticket`); }
    catch (err) { say("call_refused"); showError(err); return; }
    let stream;
    try { stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } }); }
    catch (err) { say("call_no_mic"); return; }
    const ctx = new AudioContext({ sampleRate: 8000, latencyHint: "interactive" });
    await ctx.audioWorklet.addModule("/static/agent_audio_worklet.js");
    const node = new AudioWorkletNode(ctx, "agent-line");
    ctx.createMediaStreamSource(stream).connect(node);
    node.connect(ctx.destination);
    const ws = new WebSocket(grant.url);
    ws.binaryType = "arraybuffer";
    call = { cid, ws, ctx, stream, node, muted: false };
    ws.onopen = () => ws.send(JSON.stringify({ ticket: grant.ticket }));  // in a message: no ticket in any URL log
    ws.onmessage = (event) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      figures.framesHeard++;
      node.port.postMessage({ type: "play", data: new Uint8Array(event.data) });
    };
    ws.onclose = (event) => { if (call && call.ws === ws) stop(event.code === 1000 ? "call_ended" : "call_refused"); };
    node.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === "frame" && ws.readyState === 1) { ws.send(message.frame); figures.framesSent++; }
      else if (message.type === "level") { heard.value = message.heard; sent.value = message.sent; }
      else if (message.type === "onset" && figures.onsets[message.side].length < 1000) figures.onsets[message.side].push(message.at);
    };
    await ctx.resume();
    figures.outputLatency = (ctx.baseLatency || 0) + (ctx.outputLatency || 0);  // speaker side, for the figure
    say("call_live");
    refresh();
  }

  take.addEventListener("click", () => start().catch((err) => { stop("call_refused"); showError(err); }));
  mute.addEventListener("click", () => {
    if (!call) return;
    call.muted = !call.muted;
    call.node.port.postMessage({ type: "mute", muted: call.muted });
    say(call.muted ? "call_muted" : "call_live");
    refresh();
  });
  hangup.addEventListener("click", () => {
    if (call && call.ws.readyState === 1) call.ws.send(JSON.stringify({ type: "hangup" }));
    stop("call_ended");
  });
  setInterval(refresh, 500);  // follows agent.js's open conversation without a hook in it
  refresh();
  return { figures, get active() { return !!call; } };
})();
