#!/usr/bin/env python3
"""Rebuilds training/data/*.jsonl from pinned public snapshots (see README.md in this folder).

    python3 training/data/build_data.py <self-instruct git dir> <slurp git dir>

Reads files with `git show <commit>:<path>` so the output depends only on the pinned commit.
Deterministic: no randomness beyond sha256 of record ids; output sorted by id.
"""
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

SELF_INSTRUCT_COMMIT = "0b26ccaa415992100fa32df62d41b994cf928e23"
SLURP_COMMIT = "8eb16545762be97ace75334109d73824217311f1"
T0 = "data/finetuning/t0_train_50k/data_per_template/"
OUT = Path(__file__).resolve().parent
MAX_BYTES = 6000  # size bound per record; longer pastes are cut at a sentence end


def show(repo, path, commit=SELF_INSTRUCT_COMMIT):
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:12], 16)


def split_of(rid):
    # One record in five is held out for the simulated day (bench/sim_day_bench.cc) and never
    # used for training or for tuning.
    return "day" if h("day:" + rid) % 5 == 0 else "train"


def cut(body, limit):
    """Cuts a pasted body at the last sentence end before `limit` bytes (short-paste variant)."""
    if len(body.encode()) <= limit:
        return body
    part = body.encode()[:limit].decode(errors="ignore")
    end = max(part.rfind(". "), part.rfind(".\n"))
    return part[: end + 1] if end > 40 else part


# --- self-instruct: human-written tasks (seed tasks and user-oriented instructions) -----------
# Labels are assigned by the rules below (what the request asks the model to do), read in order;
# the first match wins; tasks matching none are dropped. Written from the class definitions in
# training/README.md, not tuned on the classifier's output.
RULES = [
    ("roleplay", r"\b(you are (a|an|my|the)|pretend|suppose you are|act as|as a newly hired|"
                 r"imagine you are|role ?play)\b"),
    ("summarization", r"\b(summar\w*|tl;?dr|brief(ly)? (describe|explain) the (content|article)|"
                      r"describe the content of|key (points|takeaways)|study notes)\b"),
    ("extraction", r"\b(extract\w*|retrieve the|find all|list all|identify all|pos tags?|"
                   r"part of speech|entities|named entit\w*|anonymi\w*|replace all|"
                   r"return the word|give the exact sentences|address of the)\b"),
    ("coding", r"\b(code|python|program\w*|sql|regex|regular expression|html|css|javascript|"
               r"bash|ruby|leetcode|script|formula|markdown|latex|jira ticket|bugs?|"
               r"first-order logic|function)\b"),
    ("math", r"\b(solve|equation\w*|calculat\w*|math\w*|prove|perfect numbers|sequence|"
             r"convert\w* (the following measurement|\d)|celsius|tip\b|sum\b|total cost|"
             r"budget|sudoku)\b"),
    ("agentic", r"\b(schedule the|directions between|turn-by-turn|book (a|me)|send (an|the) "
                r"email|set (a|an) (reminder|alarm))\b"),
    ("creative", r"\b(write|compose|story|poem|haiku|lyrics|joke|slogan|tagline|ad\b|"
                 r"come up with|make up|invent|brainstorm|paraphrase|rewrite|rephrase|"
                 r"title|names? for|review of|description|cover letter|email|letter|recipe|"
                 r"create|design|plan|suggest|idea|alliteration|rhyme|proverb|metaphor)\b"),
    ("reasoning", r"\b(why|should|pros and cons|opinion|compare|good idea|ethical\w*|analy[sz]e|"
                  r"verify|explain|is there anything|how would you|how can|how do you|"
                  r"can i|qualities|identify the bias|stereotype|fact)\b"),
    ("simple", r"\b(defin\w*|definition|what is|translate|classify|categori[sz]e|sentiment|"
               r"antonyms?|synonyms?|offensive|toxic|answer the following|genre|rank|"
               r"pronunciation|spelling|grammatical|capitalize|which|give me the|"
               r"tell (me|if)|decide|identify|list|indicate|predict|pick|choose|give)\b"),
]


def self_instruct_label(instruction):
    low = instruction.lower()
    for label, pattern in RULES:
        if re.search(pattern, low):
            return label
    return None


def self_instruct(repo, path, stem, source):
    rows = []
    for line in show(repo, path).splitlines():
        d = json.loads(line)
        label = self_instruct_label(d["instruction"])
        if label is None:
            continue
        body = d["instances"][0]["input"].strip()
        text = d["instruction"].strip() + ("\n\n" + cut(body, MAX_BYTES) if body else "")
        rid = d["id"]
        rows.append({"text": text, "label": label, "paste_bytes": len(body.encode()),
                     "source_label": d.get("name") or d.get("motivation_app", ""),
                     "source": f"yizhongw/self-instruct:{path}@{SELF_INSTRUCT_COMMIT[:7]}",
                     "id": rid, "split": split_of(rid)})
    return stem, rows


# --- T0 / promptsource templates over pasted documents (summarization and extraction) ---------
# One record per document: the template is picked by the document's hash, so every document
# appears once and every template's wording is used. Half the pastes are cut to < 240 bytes at a
# sentence end (people paste short snippets); the instruction is kept whole.
def t0(repo, stem, label, templates, body_marker, short_share=2):
    by_doc = {}
    for tpl in templates:
        for i, line in enumerate(show(repo, T0 + tpl + ".jsonl").splitlines()):
            by_doc.setdefault(i, []).append((tpl, json.loads(line)["prompt"]))
    rows = []
    for i, variants in sorted(by_doc.items()):
        rid = f"{stem}-{i}"
        tpl, prompt = variants[h(rid) % len(variants)]
        text = prompt.rstrip("\n")
        m = body_marker(text)
        paste = 0
        if m is not None:
            head, body, tail = m
            limit = 230 if h("short:" + rid) % short_share == 0 else MAX_BYTES - len(head) - len(tail)
            body = cut(body, max(limit, 60))
            paste = len(body.encode())
            text = head + body + tail
        if len(text.encode()) > MAX_BYTES:
            text = cut(text, MAX_BYTES)
        rows.append({"text": text, "label": label, "source_label": tpl, "paste_bytes": paste,
                     "source": f"yizhongw/self-instruct:{T0}{tpl}.jsonl@{SELF_INSTRUCT_COMMIT[:7]}",
                     "id": rid, "split": split_of(rid)})
    return stem, rows


# --- SLURP: utterances people spoke to a voice assistant (CC BY 4.0) ------------------------
# Intent -> class: requests that act on the user's devices, calendar, mail, lists, media, orders,
# transport or that need a live lookup (weather, news, traffic, stocks) are agentic; plain
# definitions and factoid questions are simple; spoken arithmetic is math. Others are dropped
# (quirky chit-chat, jokes, recipes, recommendations). At most PER_INTENT per intent, picked by
# hash, so no intent dominates.
SLURP_SIMPLE = {"qa_definition", "qa_factoid"}
SLURP_MATH = {"qa_maths"}
SLURP_AGENTIC_PREFIX = ("alarm_", "audio_", "calendar_", "email_", "iot_", "lists_", "play_",
                        "social_post", "takeaway_order", "transport_", "weather_query",
                        "news_query", "qa_stock", "qa_currency", "music_settings")
PER_INTENT = 14


def slurp(repo):
    rows, per = [], {}
    lines = show(repo, "dataset/slurp/devel.jsonl", SLURP_COMMIT).splitlines()
    for line in sorted(lines, key=lambda l: h("slurp:" + str(json.loads(l)["slurp_id"]))):
        d = json.loads(line)
        intent = d["intent"]
        label = ("simple" if intent in SLURP_SIMPLE else "math" if intent in SLURP_MATH else
                 "agentic" if intent.startswith(SLURP_AGENTIC_PREFIX) else None)
        cap = PER_INTENT * (3 if label == "simple" else 1)
        if label is None or per.get(intent, 0) >= cap:
            continue
        per[intent] = per.get(intent, 0) + 1
        rid = f"slurp-{d['slurp_id']}"
        rows.append({"text": d["sentence"], "label": label, "source_label": intent,
                     "source": f"pswietojanski/slurp:dataset/slurp/devel.jsonl@{SLURP_COMMIT[:7]}",
                     "id": rid, "split": split_of(rid)})
    return "slurp", rows


def longest_paragraph(text):
    """(head, body, tail) around the longest blank-line-separated block: the pasted document."""
    parts = text.split("\n\n")
    k = max(range(len(parts)), key=lambda j: len(parts[j]))
    if len(parts[k]) < 200:
        return None
    head = "\n\n".join(parts[:k]) + ("\n\n" if k else "")
    tail = ("\n\n" if k + 1 < len(parts) else "") + "\n\n".join(parts[k + 1:])
    return head, parts[k], tail


def main():
    repo, slurp_repo = sys.argv[1], sys.argv[2]
    files = [
        self_instruct(repo, "data/seed_tasks.jsonl", "selfinstruct_seed", "seed"),
        self_instruct(repo, "human_eval/user_oriented_instructions.jsonl", "selfinstruct_user",
                      "user"),
        t0(repo, "t0_cnn_dailymail", "summarization",
           ["cnn_dailymail_3_0_0_tldr_summary", "cnn_dailymail_3_0_0_sum_in_brief",
            "cnn_dailymail_3_0_0_2_or_3_sentences", "cnn_dailymail_3_0_0_news_summary",
            "cnn_dailymail_3_0_0_write_an_outline"], longest_paragraph),
        t0(repo, "t0_wiki_bio", "extraction",
           ["wiki_bio_key_content", "wiki_bio_what_content", "wiki_bio_comprehension"],
           longest_paragraph),
        t0(repo, "t0_reading_extract", "extraction",
           ["duorc_SelfRC_extract_answer", "duorc_ParaphraseRC_extract_answer",
            "quoref_Read_And_Extract_", "quoref_Find_Answer"], longest_paragraph),
        slurp(slurp_repo),
    ]
    for stem, rows in files:
        seen, out = set(), []
        for r in sorted(rows, key=lambda r: r["id"]):
            key = re.sub(r"\W+", " ", r["text"].lower()).strip()
            if key in seen:
                continue
            seen.add(key)
            out.append(r)
        with open(OUT / f"{stem}.jsonl", "w", encoding="utf-8") as f:
            for r in out:
                f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
        counts = {}
        for r in out:
            counts[r["label"]] = counts.get(r["label"], 0) + 1
        print(stem, len(out), dict(sorted(counts.items())))


if __name__ == "__main__":
    main()
