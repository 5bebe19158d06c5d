/*!
 * Breast milk & immunity chat widget (parents' website).
 *
 * Talks to the Rasa server's socket.io channel (session_persistence: true, metadata_key: customData).
 * Self-contained: loads only widget.css and vendor/socket.io.min.js from the origin it was loaded from,
 * and renders every text with textContent (never as HTML). See web/README.md for the embed snippet.
 */
(function () {
  'use strict';

  if (window.__bmchatWidget) return; // embedded twice: keep the first
  var VERSION = '1.0.0';

  var STRINGS = {
    launcher: 'Chat with us',
    title: 'Breast milk & immunity helper',
    close: 'Close chat',
    newChat: 'New chat',
    newChatLabel: 'Start a new conversation (clears this one from this device)',
    inputLabel: 'Your question',
    inputPlaceholder: 'For example: what is colostrum?',
    send: 'Send',
    logLabel: 'Conversation',
    you: 'You said: ',
    bot: 'Assistant said: ',
    repliesLabel: 'Suggested replies',
    newTab: ' (opens in a new tab)',
    typing: 'The assistant is typing\u2026',
    connecting: 'Connecting to the assistant\u2026',
    lost: 'Connection lost, trying to reconnect\u2026',
    unreachable: 'Cannot reach the assistant right now, trying again\u2026',
    reconnected: 'Reconnected.',
    loadFailed: 'The chat could not start. Please reload the page.',
    queued: 'Will be sent when the connection is back.',
    openImage: 'Open image'
  };

  // ------------------------------------------------------------------------------------------
  // Configuration from the <script> tag's data attributes
  // ------------------------------------------------------------------------------------------

  function findScript() {
    if (document.currentScript) return document.currentScript;
    var scripts = document.querySelectorAll('script[src]');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js([?#]|$)/.test(scripts[i].src)) return scripts[i];
    }
    return null;
  }

  var script = findScript();
  if (!script) return;
  var data = script.dataset || {};
  var assetBase = new URL('.', script.src).href;

  function httpUrl(value, base) {
    try {
      var url = base ? new URL(value, base) : new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
    } catch (e) {
      return null;
    }
  }

  var rasaUrl = httpUrl(data.rasaUrl || 'http://localhost:5005');
  var config = {
    rasaOrigin: rasaUrl ? rasaUrl.origin : 'http://localhost:5005',
    socketPath: data.socketPath || '/socket.io',
    userEvent: data.userEvent || 'user_uttered',
    botEvent: data.botEvent || 'bot_uttered',
    initPayload: data.initPayload || '/greet',
    title: data.title || STRINGS.title,
    launcher: data.launcherLabel || STRINGS.launcher,
    startOpen: data.open === 'true'
  };

  // ------------------------------------------------------------------------------------------
  // Storage (localStorage, falling back to memory when the browser refuses it)
  // ------------------------------------------------------------------------------------------

  var prefix = 'bmchat:v1:' + config.rasaOrigin + ':';
  var storage = (function () {
    try {
      var probe = prefix + 'probe';
      window.localStorage.setItem(probe, '1');
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  })();
  var memoryStore = {};

  function load(name, fallback) {
    var raw = null;
    try {
      raw = storage ? storage.getItem(prefix + name) : memoryStore[name];
    } catch (e) { /* ignore */ }
    if (raw === null || raw === undefined) return fallback;
    try {
      return JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function save(name, value) {
    var raw = JSON.stringify(value);
    try {
      if (storage) storage.setItem(prefix + name, raw);
      else memoryStore[name] = raw;
    } catch (e) {
      memoryStore[name] = raw; // quota exceeded: keep the session working in memory
    }
  }

  function forget(name) {
    try {
      if (storage) storage.removeItem(prefix + name);
    } catch (e) { /* ignore */ }
    delete memoryStore[name];
  }

  var MAX_ENTRIES = 300;
  var tabId = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var state = {
    sessionId: load('session_id', null),
    greeted: load('greeted', null),
    open: load('open', false) || config.startOpen,
    transcript: load('transcript', [])
  };
  if (!Array.isArray(state.transcript)) state.transcript = [];
  if (!state.sessionId && state.transcript.length) state.transcript = []; // orphaned transcript

  function saveTranscript() {
    if (state.transcript.length > MAX_ENTRIES) {
      state.transcript = state.transcript.slice(state.transcript.length - MAX_ENTRIES);
    }
    save('transcript', state.transcript);
  }

  // The tab that last sent or connected records bot replies; other tabs follow via 'storage'.
  function becomeWriter() {
    save('writer', tabId);
  }
  function isWriter() {
    var writer = load('writer', null);
    return !writer || writer === tabId;
  }

  // ------------------------------------------------------------------------------------------
  // Safe rendering: DOM built with createElement/textContent only
  // ------------------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function srOnly(text) {
    return el('span', 'bmchat-sr-only', text);
  }

  function makeLink(href, label) {
    var a = el('a', 'bmchat-link', label);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.appendChild(srOnly(STRINGS.newTab));
    return a;
  }

  // Markdown links [title](url), bare http(s) URLs and **bold**; everything else stays text.
  var TOKEN = /\[([^\[\]\n]{1,500})\]\(([^()\s]{1,2048})\)|\*\*([^*\n]{1,500})\*\*|(https?:\/\/[^\s<>"'`]+)/gi;
  var TRAILING = /[.,;:!?'"\u2019\u201d]+$/;

  function trimBareUrl(raw) {
    var url = raw.replace(TRAILING, '');
    // Keep a closing bracket only when the URL itself opened one (e.g. wiki links).
    while (/[)\]]$/.test(url)) {
      var closer = url.slice(-1);
      var opener = closer === ')' ? '(' : '[';
      if (url.split(opener).length >= url.split(closer).length) break;
      url = url.slice(0, -1).replace(TRAILING, '');
    }
    return url;
  }

  function appendRichText(parent, text) {
    text = String(text === undefined || text === null ? '' : text);
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    function plain(s) {
      if (s) parent.appendChild(document.createTextNode(s));
    }
    while ((match = TOKEN.exec(text)) !== null) {
      plain(text.slice(last, match.index));
      last = TOKEN.lastIndex;
      if (match[1] !== undefined) {
        var href = httpUrl(match[2]);
        if (href) parent.appendChild(makeLink(href.href, match[1]));
        else plain(match[0]);
      } else if (match[3] !== undefined) {
        parent.appendChild(el('strong', null, match[3]));
      } else {
        var raw = match[4];
        var url = trimBareUrl(raw);
        var target = httpUrl(url);
        if (target) parent.appendChild(makeLink(target.href, url));
        else plain(url);
        // give back what was trimmed off the end
        last = match.index + url.length;
        TOKEN.lastIndex = last;
      }
    }
    plain(text.slice(last));
  }

  function normaliseButtons(list) {
    if (!Array.isArray(list)) return [];
    var out = [];
    for (var i = 0; i < list.length && out.length < 20; i++) {
      var b = list[i];
      if (!b || typeof b !== 'object') continue;
      var title = b.title === undefined || b.title === null ? '' : String(b.title);
      if (!title) continue;
      if (typeof b.payload === 'string' && b.payload) {
        out.push({ title: title, payload: b.payload });
      } else if (typeof b.url === 'string' && httpUrl(b.url)) {
        out.push({ title: title, url: httpUrl(b.url).href });
      }
    }
    return out;
  }

  // Rasa socket.io bot message -> transcript entry ({from, text, buttons, links}).
  function entryFromBotMessage(msg) {
    if (msg === null || msg === undefined) return null;
    if (typeof msg === 'string') msg = { text: msg };
    if (typeof msg !== 'object') return null;
    var texts = [];
    var buttons = normaliseButtons(msg.quick_replies || msg.buttons);
    var links = [];
    if (typeof msg.text === 'string' || typeof msg.text === 'number') texts.push(String(msg.text));
    var attachment = msg.attachment;
    if (attachment && typeof attachment === 'object') {
      var payload = attachment.payload || {};
      if (attachment.type === 'image' && payload.src && httpUrl(payload.src)) {
        // Shown as a link: loading remote images would send requests off our origin.
        links.push({ title: STRINGS.openImage, url: httpUrl(payload.src).href });
      } else if (attachment.type === 'template' && payload.elements) {
        var elements = Array.isArray(payload.elements) ? payload.elements : [payload.elements];
        elements.forEach(function (item) {
          if (!item || typeof item !== 'object') return;
          if (item.title) texts.push(String(item.title));
          if (item.subtitle) texts.push(String(item.subtitle));
          buttons = buttons.concat(normaliseButtons(item.buttons));
        });
      }
    }
    var text = texts.join('\n');
    var linkButtons = buttons.filter(function (b) { return b.url; });
    buttons = buttons.filter(function (b) { return b.payload; });
    links = links.concat(linkButtons.map(function (b) { return { title: b.title, url: b.url }; }));
    if (!text && !buttons.length && !links.length) return null;
    return { from: 'bot', text: text, buttons: buttons, links: links };
  }

  // ------------------------------------------------------------------------------------------
  // DOM (inside a shadow root, so the host page's CSS cannot break it)
  // ------------------------------------------------------------------------------------------

  var host = el('div');
  host.id = 'bmchat-widget';
  host.setAttribute('data-bmchat-version', VERSION);
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;

  var stylesheet = el('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = assetBase + 'widget.css';
  stylesheet.crossOrigin = 'anonymous';

  var container = el('div', 'bmchat-root');
  container.hidden = true; // until the stylesheet is there
  stylesheet.onload = stylesheet.onerror = function () {
    container.hidden = false;
  };

  var launcher = el('button', 'bmchat-launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'bmchat-panel');
  launcher.appendChild(el('span', 'bmchat-launcher-icon')).setAttribute('aria-hidden', 'true');
  launcher.appendChild(el('span', 'bmchat-launcher-text', config.launcher));

  var panel = el('section', 'bmchat-panel');
  panel.id = 'bmchat-panel';
  panel.hidden = true;
  panel.setAttribute('aria-labelledby', 'bmchat-title');

  var header = el('div', 'bmchat-header');
  var title = el('h2', 'bmchat-title', config.title);
  title.id = 'bmchat-title';
  var newChat = el('button', 'bmchat-header-button bmchat-new', STRINGS.newChat);
  newChat.type = 'button';
  newChat.title = STRINGS.newChatLabel;
  newChat.setAttribute('aria-label', STRINGS.newChatLabel);
  var closeButton = el('button', 'bmchat-header-button bmchat-close');
  closeButton.type = 'button';
  closeButton.setAttribute('aria-label', STRINGS.close);
  closeButton.title = STRINGS.close;
  closeButton.appendChild(el('span', null, '\u00d7')).setAttribute('aria-hidden', 'true');
  header.appendChild(title);
  header.appendChild(newChat);
  header.appendChild(closeButton);

  var status = el('div', 'bmchat-status');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('data-state', 'idle');

  var log = el('div', 'bmchat-log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-relevant', 'additions');
  log.setAttribute('aria-label', STRINGS.logLabel);
  log.tabIndex = 0;

  var typing = el('div', 'bmchat-typing', STRINGS.typing);
  typing.setAttribute('aria-hidden', 'true');
  typing.hidden = true;

  var form = el('form', 'bmchat-form');
  form.setAttribute('novalidate', '');
  var label = el('label', 'bmchat-label', STRINGS.inputLabel);
  label.htmlFor = 'bmchat-input';
  var row = el('div', 'bmchat-row');
  var input = el('input', 'bmchat-input');
  input.id = 'bmchat-input';
  input.type = 'text';
  input.name = 'message';
  input.autocomplete = 'off';
  input.maxLength = 1000;
  input.placeholder = STRINGS.inputPlaceholder;
  input.setAttribute('enterkeyhint', 'send');
  var sendButton = el('button', 'bmchat-send', STRINGS.send);
  sendButton.type = 'submit';
  row.appendChild(input);
  row.appendChild(sendButton);
  form.appendChild(label);
  form.appendChild(row);

  panel.appendChild(header);
  panel.appendChild(status);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);
  container.appendChild(launcher);
  container.appendChild(panel);
  root.appendChild(stylesheet);
  root.appendChild(container);

  function renderEntry(entry) {
    var item = el('div', 'bmchat-msg bmchat-msg--' + (entry.from === 'user' ? 'user' : 'bot'));
    var bubble = el('div', 'bmchat-bubble');
    bubble.appendChild(srOnly(entry.from === 'user' ? STRINGS.you : STRINGS.bot));
    if (entry.from === 'user') {
      bubble.appendChild(document.createTextNode(String(entry.text || '')));
    } else {
      appendRichText(bubble, entry.text || '');
    }
    if (entry.text || entry.from === 'user') item.appendChild(bubble);
    if (entry.queued) {
      item.appendChild(el('div', 'bmchat-queued', STRINGS.queued));
    }
    if (entry.links && entry.links.length) {
      var links = el('div', 'bmchat-links');
      entry.links.forEach(function (l) {
        var href = httpUrl(l.url);
        if (href) links.appendChild(makeLink(href.href, l.title || href.href));
      });
      item.appendChild(links);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = el('div', 'bmchat-buttons');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', STRINGS.repliesLabel);
      entry.buttons.forEach(function (b) {
        var button = el('button', 'bmchat-reply', b.title);
        button.type = 'button';
        button.addEventListener('click', function () {
          sendUserMessage(b.payload, b.title);
          input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    return item;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderAll() {
    replyStart = null;
    while (log.firstChild) log.removeChild(log.firstChild);
    state.transcript.forEach(function (entry) {
      log.appendChild(renderEntry(entry));
    });
    scrollToEnd();
  }

  function newEntryId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  }

  // A long reply should be read from its start: keep the first message of the bot's reply
  // in view instead of jumping to the last button.
  var replyStart = null;
  function scrollForReply(node) {
    if (!replyStart) replyStart = node;
    var top = replyStart.offsetTop - log.offsetTop - 8;
    log.scrollTop = Math.max(0, Math.min(top, log.scrollHeight - log.clientHeight));
  }

  function append(entry) {
    entry.id = entry.id || newEntryId();
    entry.at = entry.at || Date.now();
    state.transcript.push(entry);
    saveTranscript();
    var node = renderEntry(entry);
    log.appendChild(node);
    if (entry.from === 'bot') {
      scrollForReply(node);
    } else {
      replyStart = null;
      scrollToEnd();
    }
    return entry;
  }

  var statusTimer = null;
  function setStatus(kind) {
    clearTimeout(statusTimer);
    var text = {
      connecting: STRINGS.connecting,
      lost: STRINGS.lost,
      unreachable: STRINGS.unreachable,
      reconnected: STRINGS.reconnected,
      failed: STRINGS.loadFailed
    }[kind] || '';
    status.textContent = text;
    status.setAttribute('data-state', text ? kind : 'idle');
    if (kind === 'reconnected') {
      statusTimer = setTimeout(function () { setStatus('idle'); }, 4000);
    }
  }

  var typingTimer = null;
  function showTyping() {
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 20000);
  }
  function hideTyping() {
    clearTimeout(typingTimer);
    typing.hidden = true;
  }

  // ------------------------------------------------------------------------------------------
  // Connection (socket.io-client 4 from our own origin)
  // ------------------------------------------------------------------------------------------

  var ioLib = null;
  var ioLoading = null;
  var socket = null;
  var ready = false; // connected and session confirmed
  var everReady = false;
  var pending = []; // [{payload, entry}] waiting for a confirmed session

  function loadSocketIo(callback) {
    if (ioLib) return callback(ioLib);
    if (ioLoading) return ioLoading.push(callback);
    ioLoading = [callback];
    var previous = window.io;
    var tag = document.createElement('script');
    tag.src = assetBase + 'vendor/socket.io.min.js';
    tag.crossOrigin = 'anonymous';
    tag.async = true;
    tag.onload = function () {
      ioLib = window.io;
      // Leave the host page's own `io` (if any) untouched.
      if (previous !== undefined) window.io = previous;
      else {
        try { delete window.io; } catch (e) { window.io = undefined; }
      }
      var callbacks = ioLoading;
      ioLoading = null;
      if (typeof ioLib !== 'function') return setStatus('failed');
      callbacks.forEach(function (cb) { cb(ioLib); });
    };
    tag.onerror = function () {
      ioLoading = null;
      setStatus('failed');
    };
    document.head.appendChild(tag);
  }

  function customData() {
    return {
      widget: 'parents-web',
      widget_version: VERSION,
      embed_origin: window.location.origin,
      language: navigator.language || ''
    };
  }

  function emitUser(payload) {
    socket.emit(config.userEvent, {
      message: payload,
      session_id: state.sessionId,
      customData: customData()
    });
    showTyping();
  }

  function flushPending() {
    var queue = pending;
    pending = [];
    var changed = false;
    queue.forEach(function (p) {
      emitUser(p.payload);
      if (p.entry && p.entry.queued) {
        delete p.entry.queued;
        changed = true;
      }
    });
    if (changed) {
      saveTranscript();
      renderAll();
    }
  }

  function connect() {
    if (socket) {
      if (!socket.connected && !socket.active) socket.connect();
      return;
    }
    setStatus('connecting');
    loadSocketIo(function (io) {
      if (socket) return;
      socket = io(config.rasaOrigin, {
        path: config.socketPath,
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 4000,
        timeout: 8000,
        withCredentials: false
      });
      socket.on('connect', function () {
        becomeWriter();
        socket.emit('session_request', { session_id: state.sessionId || null });
      });
      socket.on('session_confirm', onSessionConfirm);
      socket.on(config.botEvent, onBotMessage);
      socket.on('disconnect', function (reason) {
        ready = false;
        hideTyping();
        if (reason === 'io client disconnect') return;
        setStatus('lost');
        if (reason === 'io server disconnect') {
          setTimeout(function () { socket.connect(); }, 1000); // not retried automatically
        }
      });
      socket.on('connect_error', function () {
        ready = false;
        setStatus(everReady ? 'lost' : 'unreachable');
      });
    });
  }

  function onSessionConfirm(message) {
    var id = typeof message === 'string' ? message : message && message.session_id;
    if (!id) return;
    if (id !== state.sessionId) {
      // A session we have no transcript for.
      state.sessionId = id;
      save('session_id', id);
      if (state.transcript.length && !pending.length) {
        state.transcript = [];
        saveTranscript();
        renderAll();
      }
    }
    ready = true;
    setStatus(everReady ? 'reconnected' : 'idle');
    everReady = true;
    maybeGreet();
    flushPending();
  }

  function maybeGreet() {
    if (!ready || panel.hidden) return;
    if (state.greeted === state.sessionId) return;
    state.greeted = state.sessionId;
    save('greeted', state.greeted);
    // A resumed conversation needs no new greeting.
    if (state.transcript.some(function (e) { return e.from === 'bot'; })) return;
    becomeWriter();
    emitUser(config.initPayload);
  }

  function onBotMessage(message) {
    hideTyping();
    var entry = entryFromBotMessage(message);
    if (!entry) return;
    // Every tab in the session's room gets the reply; the writer tab stores and shows it, the
    // others show it when the 'storage' event brings the stored transcript.
    if (isWriter()) append(entry);
  }

  function sendUserMessage(payload, display) {
    payload = String(payload || '').trim();
    if (!payload) return;
    becomeWriter();
    var entry = append({ from: 'user', text: display === undefined ? payload : display });
    if (ready && socket && socket.connected) {
      emitUser(payload);
    } else {
      entry.queued = true;
      saveTranscript();
      renderAll();
      pending.push({ payload: payload, entry: entry });
      connect();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Interaction
  // ------------------------------------------------------------------------------------------

  function openPanel(focusInput) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    state.open = true;
    save('open', true);
    scrollToEnd();
    if (focusInput) input.focus();
    connect();
    maybeGreet();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    state.open = false;
    save('open', false);
    launcher.focus();
  }

  function startOver() {
    state.sessionId = null;
    state.greeted = null;
    state.transcript = [];
    pending = [];
    forget('session_id');
    forget('greeted');
    saveTranscript();
    renderAll();
    hideTyping();
    ready = false;
    if (socket) {
      // A fresh socket id leaves the old session's room; 'connect' asks for a new session.
      socket.disconnect();
      socket.connect();
    } else {
      connect();
    }
    input.focus();
  }

  launcher.addEventListener('click', function () { openPanel(true); });
  closeButton.addEventListener('click', closePanel);
  newChat.addEventListener('click', startOver);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      closePanel();
    }
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = '';
    sendUserMessage(text);
    input.focus();
  });

  // Another tab of the same site changed the conversation.
  window.addEventListener('storage', function (event) {
    if (!event.key || event.key.indexOf(prefix) !== 0) return;
    var name = event.key.slice(prefix.length);
    if (name === 'transcript') {
      state.transcript = load('transcript', []);
      renderAll();
    } else if (name === 'session_id') {
      var id = load('session_id', null);
      if (id !== state.sessionId) {
        state.sessionId = id;
        state.transcript = load('transcript', []);
        renderAll();
        if (socket && socket.connected) {
          ready = false;
          socket.emit('session_request', { session_id: id });
        }
      }
    } else if (name === 'greeted') {
      state.greeted = load('greeted', null);
    }
  });

  // A closing (or reloading) writer tab hands the job to whichever tab is left.
  window.addEventListener('pagehide', function () {
    if (load('writer', null) === tabId) forget('writer');
  });

  renderAll();

  function mount() {
    document.body.appendChild(host);
    if (state.open) openPanel(false);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  // Small hook for tests and for pages that want to open the chat from their own button.
  window.__bmchatWidget = {
    version: VERSION,
    open: function () { openPanel(true); },
    close: closePanel,
    isReady: function () { return ready; }
  };
})();
