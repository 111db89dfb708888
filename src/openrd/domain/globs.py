"""RAM wildcard patterns: ``*`` matches any run of characters (possibly empty), ``?`` exactly one character.

Every other character stands for itself; there is no escape and no character class, as in RAM policies (Action,
Resource, and the ``StringLike`` / ``StringNotLike`` condition operators).

Matching never backtracks: a pattern is split at its stars into fixed-length segments, the first segment must match
at the start of the value, the last at its end, and each segment in between is matched at its leftmost position after
the previous one. Leftmost is always safe because every segment has a fixed length, so an earlier match leaves at
least as much of the value for the rest. The cost is one pass per segment — O(len(value)) for literal segments (a
``str.find``), O(len(value) · len(segment)) for a segment containing ``?`` — never exponential, whatever the pattern.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

__all__ = ["Glob", "compile_glob", "glob_match"]


def _fits(segment: str, value: str, start: int) -> bool:
    """Whether ``segment`` (no ``*``, maybe ``?``) matches ``value`` at ``start``; the caller checks the bounds."""
    if "?" not in segment:
        return value.startswith(segment, start)
    return all(char == "?" or char == value[start + offset] for offset, char in enumerate(segment))


def _find(segment: str, value: str, start: int, end: int) -> int:
    """Leftmost position in ``value[start:end]`` where ``segment`` matches, or -1."""
    if "?" not in segment:
        return value.find(segment, start, end)
    for position in range(start, end - len(segment) + 1):
        if _fits(segment, value, position):
            return position
    return -1


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled pattern; ``ignore_case`` compares after :meth:`str.casefold` on both sides.

    Case folding can lengthen a character (``ß`` folds to ``ss``), so with ``ignore_case`` a ``?`` stands for one
    character of the folded value; RAM's action names and keys are ASCII, where this never shows.
    """

    pattern: str
    ignore_case: bool
    head: str
    middle: tuple[str, ...]
    tail: str | None  # None: the pattern has no star, so ``head`` must be the whole value

    def match(self, value: str) -> bool:
        if self.ignore_case:
            value = value.casefold()
        if self.tail is None:
            return len(value) == len(self.head) and _fits(self.head, value, 0)
        end = len(value) - len(self.tail)
        if end < len(self.head) or not _fits(self.head, value, 0) or not _fits(self.tail, value, end):
            return False
        position = len(self.head)
        for segment in self.middle:
            found = _find(segment, value, position, end)
            if found < 0:
                return False
            position = found + len(segment)
        return True


@functools.lru_cache(maxsize=4096)
def compile_glob(pattern: str, *, ignore_case: bool = False) -> Glob:
    """Split ``pattern`` once; policies are matched far more often than they are written."""
    folded = pattern.casefold() if ignore_case else pattern
    if "*" not in folded:
        return Glob(pattern, ignore_case, folded, (), None)
    head, *middle, tail = folded.split("*")
    # Empty middle segments come from runs of stars (``a**b``), which mean the same as one star.
    return Glob(pattern, ignore_case, head, tuple(segment for segment in middle if segment), tail)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches the RAM wildcard ``pattern`` in full."""
    return compile_glob(pattern, ignore_case=ignore_case).match(value)
