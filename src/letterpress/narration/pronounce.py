"""Which of the text's spoken tokens the recogniser can say, and pronunciations for the rest.

The dictionary inside pocketsphinx (CMUdict) knows most English words; numbers are already words
(:func:`letterpress.model.spoken.spoken_tokens`). A word it does not know (a name such as
Kierkegaard) is given espeak-ng's pronunciation, turned into the model's phones, when Debian's
espeak-ng is there; without it the word is left out of the alignment and keeps no time of its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from pocketsphinx import Decoder

# espeak-ng's IPA, longest first, to the model's ARPAbet phones.
IPA = [("tʃ", "CH"), ("dʒ", "JH"), ("eɪ", "EY"), ("aɪ", "AY"), ("ɔɪ", "OY"), ("aʊ", "AW"), ("oʊ", "OW"),
       ("əʊ", "OW"), ("ɪə", "IH R"), ("eə", "EH R"), ("ʊə", "UH R"), ("ɜː", "ER"), ("ɝ", "ER"), ("ɚ", "ER"),
       ("iː", "IY"), ("uː", "UW"), ("ɑː", "AA"), ("ɔː", "AO"), ("i", "IY"), ("ɪ", "IH"), ("e", "EH"),
       ("ɛ", "EH"), ("æ", "AE"), ("a", "AE"), ("ɑ", "AA"), ("ɒ", "AA"), ("ɔ", "AO"), ("ʌ", "AH"), ("ə", "AH"),
       ("ᵻ", "IH"), ("ʊ", "UH"), ("u", "UW"), ("o", "OW"), ("p", "P"), ("b", "B"), ("t", "T"), ("d", "D"),
       ("k", "K"), ("ɡ", "G"), ("g", "G"), ("f", "F"), ("v", "V"), ("θ", "TH"), ("ð", "DH"), ("s", "S"),
       ("z", "Z"), ("ʃ", "SH"), ("ʒ", "ZH"), ("h", "HH"), ("m", "M"), ("n", "N"), ("ŋ", "NG"), ("l", "L"),
       ("ɹ", "R"), ("r", "R"), ("ɾ", "T"), ("j", "Y"), ("w", "W"), ("x", "K"), ("ç", "HH"), ("ʔ", "")]
DROPPED = re.compile(r"[ˈˌːˑ‿̩̃-]")


def add_unknown(decoder: Decoder, tokens: set[str]) -> set[str]:
    """Give ``decoder`` a pronunciation for each of ``tokens`` it does not know; return those still unknown."""
    unknown = {token for token in tokens if decoder.lookup_word(token) is None}
    if not unknown or shutil.which("espeak-ng") is None:
        return unknown
    left = set()
    for token in sorted(unknown):
        phones = arpabet(_espeak_ipa(token))
        if phones:
            decoder.add_word(token, phones, update=True)  # a few words: updating each time costs little
        else:
            left.add(token)
    return left


def _espeak_ipa(token: str) -> str:
    done = subprocess.run(["espeak-ng", "-q", "--ipa", "-v", "en-us", token], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def arpabet(ipa: str) -> str:
    """``ipa`` (espeak-ng's, one word) as space-separated ARPAbet phones, or "" when a sound has none."""
    rest, phones = DROPPED.sub("", ipa.replace(" ", "")), []
    while rest:
        for sound, phone in IPA:
            if rest.startswith(sound):
                phones += phone.split()
                rest = rest[len(sound):]
                break
        else:
            return ""
    return " ".join(phones)
