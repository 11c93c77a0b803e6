// The page of `europass serve`: choose files, start a job, follow it, show
// the result. Served as a file (the Content-Security-Policy allows no inline
// script). Every value from the server or the files is put into the page as
// text (textContent, attributes set one by one), never as HTML.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const PROFILE = 'europass.toml';
  const ROWS_SHOWN = 500;
  const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

  let labels = {};
  let chosen = []; // { file, path }
  let profileFile = null;
  let jobId = null;
  let events = null;
  let problems = [];
  let sort = { key: null, direction: 1 };

  /** A label, with `{name}` replaced by `values.name`. */
  function t(key, values) {
    let text = labels[key] !== undefined ? labels[key] : key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split('{' + name + '}').join(String(value));
    }
    return text;
  }

  /** An element with attributes and children (strings become text). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function megabytes(bytes) {
    return (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0) + ' MB';
  }

  // ---- choosing files ---------------------------------------------------

  /** Adds files; a top-level europass.toml becomes the school profile. */
  function addFiles(list) {
    for (const item of list) {
      if (item.path === PROFILE) {
        profileFile = item.file;
        document.querySelector('input[name="profile-kind"][value="file"]').checked = true;
        updateProfile();
        continue;
      }
      if (!chosen.some((c) => c.path === item.path)) chosen.push(item);
    }
    renderChosen();
  }

  function renderChosen() {
    const size = chosen.reduce((sum, c) => sum + c.file.size, 0);
    show('chosen', chosen.length > 0);
    $('chosen-summary').textContent = t('upload.chosen', { n: chosen.length, size: megabytes(size) });
    const list = $('chosen-list');
    list.replaceChildren();
    for (const c of chosen.slice(0, 20)) list.append(el('li', {}, c.path));
    if (chosen.length > 20) list.append(el('li', {}, t('upload.more', { n: chosen.length - 20 })));
  }

  /** The files of a picker, with the folders above them for a folder pick. */
  function fromInput(input) {
    return Array.from(input.files, (file) => ({ file, path: file.webkitRelativePath || file.name }));
  }

  /** Reads a dropped folder tree; each file keeps its path below the drop. */
  async function walk(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ file, path: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, prefix + entry.name + '/', out);
      }
    }
  }

  async function onDrop(event) {
    event.preventDefault();
    $('drop').classList.remove('over');
    const transfer = event.dataTransfer;
    // Entries must be taken before the first await: the drop's data is gone after.
    const entries = Array.from(transfer.items || [])
      .filter((item) => item.kind === 'file')
      .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
    const files = Array.from(transfer.files || []);
    if (entries.length === 0 || entries.some((e) => !e)) {
      addFiles(files.map((file) => ({ file, path: file.name })));
      return;
    }
    const out = [];
    for (const entry of entries) await walk(entry, '', out);
    addFiles(out);
  }

  function wireDrop() {
    const zone = $('drop');
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      onDrop(event).catch(() => showError(t('error.network')));
    });
    for (const id of ['pick-files', 'pick-folder']) {
      $(id).addEventListener('change', (event) => {
        addFiles(fromInput(event.target));
        event.target.value = '';
      });
    }
    $('clear-files').addEventListener('click', () => {
      chosen = [];
      renderChosen();
    });
  }

  // ---- the form ---------------------------------------------------------

  function profileKind() {
    return document.querySelector('input[name="profile-kind"]:checked').value;
  }

  function updateProfile() {
    show('profile-file-box', profileKind() === 'file');
    show('profile-typed-box', profileKind() === 'typed');
  }

  function checked(name) {
    return Array.from(document.querySelectorAll('input[name="' + name + '"]:checked'), (i) => i.value);
  }

  function showError(text) {
    $('form-error').textContent = text;
  }

  /** The multipart form of the job, or an error label key. */
  function buildForm() {
    if (chosen.length === 0) return { error: 'error.no_files' };
    const formats = checked('to');
    if (formats.length === 0) return { error: 'error.no_format' };
    const form = new FormData();
    for (const c of chosen) form.append('files', c.file, c.path);
    form.append('to', formats.join(','));
    const languages = checked('lang').filter((l) => l);
    if (languages.length > 0) form.append('lang', languages.join(','));
    if ($('strict').checked) form.append('strict', 'true');
    const kind = profileKind();
    if (kind === 'file') {
      const file = $('profile-file').files[0] || profileFile;
      if (!file) return { error: 'error.profile_file' };
      form.append('profile', file, PROFILE);
    } else if (kind === 'typed') {
      const name = $('school-name').value.trim();
      const country = $('school-country').value.trim();
      if (!name || !/^[A-Za-z]{2}$/.test(country)) return { error: 'error.profile_typed' };
      form.append('school_name', name);
      form.append('school_country', country.toUpperCase());
    }
    return { form };
  }

  /** The words for an API error body. */
  function apiMessage(body) {
    if (body && body.code && labels['error.' + body.code] !== undefined) {
      return t('error.' + body.code, { message: body.message || '' });
    }
    return (body && body.message) || t('error.network');
  }

  function submit(event) {
    event.preventDefault();
    showError('');
    const built = buildForm();
    if (built.error) {
      showError(t(built.error));
      return;
    }
    const max = Number(document.body.dataset.maxUpload);
    const size = chosen.reduce((sum, c) => sum + c.file.size, 0);
    if (size > max) {
      showError(t('error.too_large', { mb: Math.round(max / 1e6) }));
      return;
    }
    upload(built.form);
  }

  /** Posts the form with XMLHttpRequest, which tells how much was sent. */
  function upload(form) {
    $('run').disabled = true;
    showProgress(t('stage.uploading'), 0, 1);
    const request = new XMLHttpRequest();
    request.open('POST', '/api/jobs');
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) showProgress(t('stage.uploading'), event.loaded, event.total);
    });
    request.addEventListener('load', () => {
      $('run').disabled = false;
      if (request.status === 202 && request.response) {
        follow(request.response.id);
      } else {
        show('progress-section', false);
        showError(apiMessage(request.response));
      }
    });
    request.addEventListener('error', () => {
      $('run').disabled = false;
      show('progress-section', false);
      showError(t('error.network'));
    });
    request.send(form);
  }

  // ---- following a job --------------------------------------------------

  function showProgress(text, done, total, fraction) {
    show('progress-section', true);
    const bar = $('progress');
    bar.value = fraction !== undefined ? fraction : total > 0 ? Math.min(done / total, 1) : 0;
    $('progress-text').textContent = text;
  }

  function stageName(stage) {
    return labels['stage.' + stage] !== undefined ? t('stage.' + stage) : stage;
  }

  function onProgress(snapshot) {
    const p = snapshot.progress;
    if (snapshot.status === 'queued') {
      showProgress(t('stage.queued'), 0, 1, 0);
      return;
    }
    const within = p.total > 0 ? Math.min(p.done / p.total, 1) : 0;
    const fraction = p.stages > 0 ? (Math.max(p.number - 1, 0) + within) / p.stages : 0;
    const text = t('progress.step', { stage: stageName(p.stage), done: p.done, total: p.total })
      + ' (' + t('progress.stage_of', { number: p.number, stages: p.stages }) + ')';
    showProgress(text, p.done, p.total, fraction);
  }

  function stopEvents() {
    if (events) events.close();
    events = null;
  }

  /** Follows the job's events until it is finished, then shows the result. */
  function follow(id) {
    jobId = id;
    history.replaceState(null, '', '#job=' + id);
    keepJobInLanguageLinks();
    show('upload', false);
    show('result', false);
    stopEvents();
    events = new EventSource('/api/jobs/' + id + '/events');
    events.addEventListener('progress', (event) => {
      const snapshot = JSON.parse(event.data);
      onProgress(snapshot);
      if (snapshot.status === 'done' || snapshot.status === 'failed') {
        stopEvents();
        loadResult(id);
      }
    });
    events.addEventListener('error', () => {
      // The stream ended without a final event (deleted, or the server went away).
      stopEvents();
      loadResult(id);
    });
  }

  async function loadResult(id) {
    let response;
    try {
      response = await fetch('/api/jobs/' + id);
    } catch (e) {
      finishWith(t('error.network'));
      return;
    }
    if (response.status === 404) {
      finishWith(t('result.gone'));
      return;
    }
    const job = await response.json();
    if (job.status === 'queued' || job.status === 'running') {
      follow(id);
      return;
    }
    show('progress-section', false);
    renderResult(job);
  }

  /** Back to the form, with a message. */
  function finishWith(message) {
    jobId = null;
    history.replaceState(null, '', location.pathname + location.search);
    keepJobInLanguageLinks();
    show('progress-section', false);
    show('result', false);
    show('upload', true);
    showError(message);
  }

  // ---- the result -------------------------------------------------------

  function renderResult(job) {
    show('result', true);
    const status = $('result-status');
    const urls = job.urls;
    $('download-zip').setAttribute('href', urls.outputs_zip);
    $('download-feedback').setAttribute('href', urls.feedback);
    if (job.status === 'failed') {
      status.textContent = t('result.failed', { message: job.error ? job.error.message : '' });
      $('counts').replaceChildren();
      problems = [];
      renderProblems();
      renderLearners(job, []);
      return;
    }
    const report = job.report;
    status.textContent = report.summary.errors > 0 ? t('result.done_errors') : t('result.done_clean');
    renderCounts(report);
    problems = report.diagnostics.map((d, index) => ({ ...d, index, where: where(d.location) }));
    fillFilters();
    renderProblems();
    renderLearners(job, job.learners || []);
    $('result-title').focus();
  }

  function renderCounts(report) {
    const rows = report.rows;
    const items = [
      ['counts.files', report.inputs.length],
      ['counts.rows', rows.read, t('counts.rows_detail', { records: rows.records, reported: rows.reported })],
      ['counts.learners', report.records.learners],
      ['counts.units', report.records.units],
      ['counts.results', report.records.assessments],
      ['counts.errors', report.summary.errors],
      ['counts.warnings', report.summary.warnings],
    ];
    const list = $('counts');
    list.replaceChildren();
    for (const [key, value, detail] of items) {
      const item = el('div', { class: 'count', 'data-count': key.split('.')[1] },
        el('dt', {}, t(key)), el('dd', {}, String(value)));
      if (detail) item.append(el('dd', { class: 'detail' }, detail));
      list.append(item);
    }
  }

  /** `file › sheet › cell`, as the command line prints a location. */
  function where(location) {
    const parts = [];
    if (location.file) parts.push(location.file);
    if (location.sheet) parts.push(location.sheet);
    if (location.table) parts.push(t('where.table', { n: location.table }));
    const { row, last_row: last, column } = location;
    if (row && !last && column) parts.push(column + row);
    else if (row && last && last !== row) parts.push(t('where.rows', { first: row, last }));
    else if (row) parts.push(t('where.row', { n: row }));
    else if (column) parts.push(t('where.column', { column }));
    if (location.path) parts.push(location.path);
    if (location.record) parts.push(location.record);
    return parts.length > 0 ? parts.join(' › ') : t('where.whole');
  }

  function fillSelect(select, values, text) {
    const keep = select.value;
    select.replaceChildren(el('option', { value: '' }, t('problems.all')));
    for (const value of values) select.append(el('option', { value }, text ? text(value) : value));
    select.value = values.includes(keep) ? keep : '';
  }

  function fillFilters() {
    const unique = (list) => Array.from(new Set(list)).sort();
    fillSelect($('filter-code'), unique(problems.map((p) => p.code)));
    fillSelect($('filter-file'), unique(problems.map((p) => p.location.file || '').filter((f) => f)));
  }

  function filtered() {
    const severity = $('filter-severity').value;
    const code = $('filter-code').value;
    const file = $('filter-file').value;
    const list = problems.filter((p) => (!severity || p.severity === severity)
      && (!code || p.code === code)
      && (!file || p.location.file === file));
    if (sort.key) {
      const key = sort.key;
      const value = (p) => (key === 'severity' ? SEVERITY_ORDER[p.severity] : String(p[key] || ''));
      list.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = typeof x === 'number' ? x - y : x.localeCompare(y);
        return order !== 0 ? order * sort.direction : a.index - b.index;
      });
    }
    return list;
  }

  function renderProblems() {
    const list = filtered();
    const body = $('problems').tBodies[0];
    body.replaceChildren();
    // data-label: each cell's heading, shown beside it where a phone stacks the cells.
    const cell = (key, ...content) => el('td', { 'data-label': t('problems.' + key) }, ...content);
    for (const p of list.slice(0, ROWS_SHOWN)) {
      body.append(el('tr', { class: 'severity-' + p.severity },
        cell('severity', el('span', { class: 'badge ' + p.severity }, t('severity.' + p.severity))),
        cell('code', el('code', {}, p.code)),
        cell('where', p.where),
        cell('message', p.message),
        cell('hint', p.hint || '')));
    }
    let count = problems.length === 0 ? t('problems.none') : t('problems.shown', { shown: list.length, total: problems.length });
    if (list.length > ROWS_SHOWN) count += ' ' + t('problems.limited', { n: ROWS_SHOWN });
    $('problems-count').textContent = count;
    for (const button of document.querySelectorAll('#problems th button')) {
      const th = button.parentElement;
      const sorted = button.dataset.sort === sort.key;
      th.setAttribute('aria-sort', sorted ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  function renderLearners(job, learners) {
    const body = $('learners').tBodies[0];
    body.replaceChildren();
    if (learners.length === 0) {
      body.append(el('tr', {}, el('td', { colspan: '2' }, t('learners.none'))));
      return;
    }
    for (const learner of learners) {
      const name = [learner.family_name, learner.given_names].filter((n) => n).join(', ');
      const links = el('ul', { class: 'files' });
      for (const path of learner.files) {
        const href = job.urls.files + path.split('/').map(encodeURIComponent).join('/');
        links.append(el('li', {}, el('a', { href, download: '' }, path.split('/').pop())));
      }
      body.append(el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, links)));
    }
  }

  function wireResult() {
    for (const id of ['filter-severity', 'filter-code', 'filter-file']) {
      $(id).addEventListener('change', renderProblems);
    }
    for (const button of document.querySelectorAll('#problems th button')) {
      button.addEventListener('click', () => {
        const key = button.dataset.sort;
        sort = { key, direction: sort.key === key ? -sort.direction : 1 };
        renderProblems();
      });
    }
    $('delete-job').addEventListener('click', async () => {
      if (!jobId) return;
      const id = jobId;
      stopEvents();
      try {
        await fetch('/api/jobs/' + id, { method: 'DELETE' });
      } catch (e) {
        showError(t('error.network'));
        return;
      }
      finishWith(t('result.deleted'));
    });
    $('new-job').addEventListener('click', () => {
      chosen = [];
      renderChosen();
      finishWith('');
    });
  }

  // ---- start --------------------------------------------------------------

  /** The language links keep the job being shown. */
  function keepJobInLanguageLinks() {
    for (const link of document.querySelectorAll('nav.languages a')) {
      const url = new URL(link.getAttribute('href'), location.href);
      url.hash = jobId ? 'job=' + jobId : '';
      link.setAttribute('href', url.pathname + url.search + url.hash);
    }
  }

  async function start() {
    const response = await fetch('/assets/labels/' + encodeURIComponent(document.documentElement.lang));
    labels = await response.json();
    $('result-title').setAttribute('tabindex', '-1');
    wireDrop();
    wireResult();
    for (const radio of document.querySelectorAll('input[name="profile-kind"]')) {
      radio.addEventListener('change', updateProfile);
    }
    $('job-form').addEventListener('submit', submit);
    const match = /^#job=([0-9a-f]{32})$/.exec(location.hash);
    if (match) follow(match[1]);
    document.body.dataset.ready = 'true';
  }

  start().catch(() => showError(t('error.network')));
})();
