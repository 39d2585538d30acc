"""The page's own style and script: how answers, cards and the viewer look, and clicks on citation markers."""

CSS = """
#top{align-items:baseline}#brand{flex:0 0 auto}#status{color:#57606a;text-align:right}
#chat .cite{color:#0969da;text-decoration:none;font-size:.85em;padding:0 1px;cursor:pointer;white-space:nowrap}
#chat .cite:hover{text-decoration:underline}
.short-answer{font-weight:700;font-size:1.1em;margin-bottom:2px}
.refused-answer{border-left:4px solid #d4a72c;padding-left:8px}
.part+.part{margin-top:12px}.part-question{color:#57606a;font-weight:600;margin-bottom:2px}
.doc-part{border-left:3px solid #8c959f;padding-left:8px;margin:6px 0}.doc-part .date{color:#57606a;white-space:nowrap}
.draft{color:#6e7781;font-style:italic}.note{font-size:13px;color:#57606a}
.note.unsure{border-left:4px solid #d4a72c;padding-left:8px;color:#1f2328}
details.sources{margin-top:6px}details.sources summary{font-size:13px;color:#57606a;cursor:pointer}
.card{border:1px solid #d0d7de;border-radius:6px;padding:6px 8px;margin:6px 0}
.card[data-cite]{cursor:pointer}.card[data-cite]:hover{border-color:#0969da}
.card .title{font-size:13px}.card .date,.card .meta,.doc-head .meta{color:#57606a}
.card .ctx{font-size:14px;line-height:1.4}.card .meta,.doc-head .meta{font-size:11px}
.card mark,.doc mark{background:#fff3a3;color:#1f2328;padding:0 1px}
.refusal{border-left:4px solid #d4a72c;padding-left:8px}.hint{color:#57606a}
.doc{white-space:pre-wrap;font-size:14px;line-height:1.5;max-height:420px;overflow-y:auto;border:1px solid #d0d7de;
padding:10px;border-radius:6px;margin-top:4px}
.doc-head .back{display:none;font-size:13px}
#chat table th:not(:first-child),#chat table td:not(:first-child){white-space:nowrap}
@media (max-width:600px){#ask-row>:has(#question),#ask-row>#question{flex:1 1 100%!important;min-width:100%!important}
#ask-row>#ask,#ask-row>#stop{flex:1 1 40%!important}}
@media (min-width:1000px){#chat details.sources{display:none}}
@media (max-width:999px){#citations,#citations-heading{display:none}#status{text-align:left}
.doc-head .back{display:block}}
"""

# A click on a marker (href "#cite-turn-n") or a card (data-cite "turn:n") asks the server for that quote's
# document: the page puts the target in a hidden box and presses a hidden button (events start from components).
HEAD = """
<script>
document.addEventListener('click', function (event) {
  var el = event.target.closest ? event.target.closest('[data-cite], a[href^="#cite-"]') : null;
  if (!el) return;
  var target = el.getAttribute('data-cite') || el.getAttribute('href').slice(6).replace('-', ':');
  event.preventDefault();
  event.stopPropagation();
  var box = document.querySelector('#cite-target textarea, #cite-target input');
  var button = document.getElementById('cite-open');
  if (!box || !button) return;
  box.value = target;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () { button.click(); }, 60);
}, true);
</script>
"""

SCROLL_TO_QUOTE = """
() => {
  const show = (tries) => {
    const mark = document.getElementById('quote-mark');
    if (mark) { mark.scrollIntoView({block: 'center'}); }
    else if (tries > 0) { setTimeout(() => show(tries - 1), 100); }
  };
  setTimeout(() => show(20), 50);
}
"""
