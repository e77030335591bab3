//! Compiled kernels of govsearch's per-document ingest hot path (issue 13).
//!
//! Each function reproduces, bit for bit, the Python/numpy reference in `analyzers/chars.py`,
//! `analyzers/signatures.py` and `analyzers/pinyin.py`; that code stays the definition and the
//! fallback, and every parameter (the skippable characters, the MinHash permutations, K, the
//! winnowing window, the length from which the content key is order-free, pypinyin's readings
//! and Han class, the longest run of a pinyin key) is passed in from Python so nothing here is
//! a second copy of it. The numpy version spends most of its time in per-call overhead on texts
//! of about a thousand characters; a plain loop has none. Arrays cross the boundary as
//! native-endian bytes that Python wraps with `np.frombuffer` (a `bytearray`, so the arrays are
//! writable like numpy's own).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

/// Bumped whenever a function's meaning changes: `analyzers/native.py` refuses another value.
const KERNEL_VERSION: u32 = 2;
const CODE_POINTS: usize = 0x11_0000;
const POLY: u64 = 0x0000_0100_0000_01B3; // the FNV prime of the Python roll

/// The UTF-8 of a Python string as a new bytes object. Not `PyString::to_str`: that keeps a
/// UTF-8 copy inside every non-ASCII string for the rest of its life (titles held by a server,
/// say). A lone surrogate has no UTF-8 and raises `UnicodeEncodeError`, which the Python side
/// answers by taking its own path.
fn utf8<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    text.encode_utf8()
}

fn as_str<'a>(raw: &'a Bound<'_, PyBytes>) -> PyResult<&'a str> {
    std::str::from_utf8(raw.as_bytes()).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// One bit per code point: set for what `analyzers.chars.strip_skippable` removes.
struct Bits(Vec<u64>);

impl Bits {
    #[inline]
    fn skip(&self, c: char) -> bool {
        let u = c as usize;
        (self.0[u >> 6] >> (u & 63)) & 1 == 1
    }
}

/// The skippable characters (whitespace, punctuation, control and format characters), given
/// once by `analyzers.chars`.
#[pyclass(frozen)]
struct SkipSet {
    bits: Arc<Bits>,
}

#[pymethods]
impl SkipSet {
    #[new]
    fn new(code_points: Vec<u32>) -> PyResult<Self> {
        let mut bits = vec![0u64; CODE_POINTS / 64];
        for cp in code_points {
            let cp = cp as usize;
            if cp >= CODE_POINTS {
                return Err(PyValueError::new_err("code point out of range"));
            }
            bits[cp >> 6] |= 1 << (cp & 63);
        }
        Ok(SkipSet { bits: Arc::new(Bits(bits)) })
    }

    /// `strip_skippable`: the text with every skippable character removed.
    fn strip<'py>(&self, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let raw = utf8(text)?;
        let s = as_str(&raw)?;
        let bits = &self.bits;
        match s.char_indices().find(|&(_, c)| bits.skip(c)) {
            None => Ok(text.clone()),
            Some((first, _)) => {
                let mut out = String::with_capacity(s.len());
                out.push_str(&s[..first]);
                out.extend(s[first..].chars().filter(|&c| !bits.skip(c)));
                Ok(PyString::new(text.py(), &out))
            }
        }
    }

    /// `bigram_string`: overlapping bigrams of the stripped text joined by spaces; a text of
    /// one character is itself, an empty one empty.
    fn bigrams<'py>(&self, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let raw = utf8(text)?;
        let s = as_str(&raw)?;
        let bits = &self.bits;
        let chars: Vec<char> = s.chars().filter(|&c| !bits.skip(c)).collect();
        let py = text.py();
        if chars.len() <= 1 {
            return Ok(if chars.len() == s.chars().count() {
                text.clone()
            } else {
                PyString::new(py, &chars.iter().collect::<String>())
            });
        }
        let width: usize = chars.iter().map(|c| c.len_utf8()).sum();
        let mut out = String::with_capacity(2 * width + chars.len());
        for (i, pair) in chars.windows(2).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push(pair[0]);
            out.push(pair[1]);
        }
        Ok(PyString::new(py, &out))
    }

    /// The code points of the stripped text (`_compact_codes` without the boilerplate step),
    /// as native-endian uint32.
    fn compact<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        u32_bytes(py, &compact(&self.bits, as_str(&utf8(text)?)?))
    }
}

fn compact(bits: &Bits, text: &str) -> Vec<u32> {
    text.chars().filter(|&c| !bits.skip(c)).map(|c| c as u32).collect()
}

#[inline]
fn splitmix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[inline]
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 16)
}

/// `shingle_hashes`: one hash per k-character shingle in text order; a text shorter than k
/// is one shingle whose hash also mixes in its length.
fn shingle_hashes(codes: &[u32], k: usize) -> Vec<u64> {
    let roll =
        |w: &[u32]| w.iter().fold(0u64, |h, &c| h.wrapping_mul(POLY).wrapping_add(u64::from(c)));
    if codes.is_empty() {
        Vec::new()
    } else if codes.len() < k {
        vec![splitmix64(roll(codes).wrapping_add(codes.len() as u64))]
    } else {
        codes.windows(k).map(|w| splitmix64(roll(w))).collect()
    }
}

/// `sorted_unique`. The values are hashes, spread evenly: one counting pass on their top bits
/// leaves buckets of about one value each to sort (a comparison sort of a thousand took longer
/// than everything else in a signature).
fn sorted_unique(values: &[u64]) -> Vec<u64> {
    let n = values.len();
    let mut out = values.to_vec();
    if n >= 64 {
        let bits = usize::BITS - (n - 1).leading_zeros(); // 2^bits >= n
        let shift = 64 - bits;
        let mut starts = vec![0usize; (1 << bits) + 1];
        for &v in values {
            starts[(v >> shift) as usize + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        for &v in values {
            let b = (v >> shift) as usize;
            out[next[b]] = v;
            next[b] += 1;
        }
        for bucket in starts.windows(2) {
            if bucket[1] - bucket[0] > 1 {
                out[bucket[0]..bucket[1]].sort_unstable();
            }
        }
    } else {
        out.sort_unstable();
    }
    out.dedup();
    out
}

/// `minhash_values`: datasketch's affine32 MinHash of the low 32 bits of each hash. One
/// permutation at a time over all hashes: a reduction the compiler vectorises.
fn minhash_values(hashes: &[u64], a: &[u32], b: &[u32]) -> Vec<u32> {
    let mixed: Vec<u32> = hashes.iter().map(|&h| fmix32(h as u32)).collect();
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { minhash_avx2(&mixed, a, b) };
        }
    }
    minhash_mixed(&mixed, a, b)
}

#[inline(always)]
fn minhash_mixed(mixed: &[u32], a: &[u32], b: &[u32]) -> Vec<u32> {
    a.iter()
        .zip(b)
        .map(|(&ai, &bi)| {
            mixed.iter().fold(u32::MAX, |m, &h| m.min(h.wrapping_mul(ai).wrapping_add(bi)))
        })
        .collect()
}

/// The same loop compiled for AVX2 (8 lanes, a native 32-bit multiply and unsigned minimum);
/// the x86-64 baseline has neither.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn minhash_avx2(mixed: &[u32], a: &[u32], b: &[u32]) -> Vec<u32> {
    minhash_mixed(mixed, a, b)
}

/// `winnow`: the distinct minima of every window of `window` hashes, sorted. Like the numpy
/// code, van Herk/Gil-Werman: a window spans the end of one block and the start of the next,
/// so its minimum is the smaller of a suffix minimum and a prefix minimum.
fn winnow(hashes: &[u64], window: usize) -> Vec<u64> {
    let n = hashes.len();
    if n == 0 {
        return Vec::new();
    }
    if n <= window {
        return vec![*hashes.iter().min().unwrap()];
    }
    let mut prefix = hashes.to_vec();
    let mut suffix = hashes.to_vec();
    for start in (0..n).step_by(window) {
        let end = (start + window).min(n);
        for i in start + 1..end {
            prefix[i] = prefix[i].min(prefix[i - 1]);
        }
        for i in (start..end - 1).rev() {
            suffix[i] = suffix[i].min(suffix[i + 1]);
        }
    }
    let mut mins: Vec<u64> = Vec::new();
    for (&s, &p) in suffix[..n - window + 1].iter().zip(&prefix[window - 1..]) {
        let m = s.min(p);
        if mins.last() != Some(&m) {
            mins.push(m);
        }
    }
    sorted_unique(&mins)
}

fn u32_bytes<'py>(py: Python<'py>, values: &[u32]) -> PyResult<Bound<'py, PyByteArray>> {
    PyByteArray::new_with(py, values.len() * 4, |buf| {
        for (dst, v) in buf.chunks_exact_mut(4).zip(values) {
            dst.copy_from_slice(&v.to_ne_bytes());
        }
        Ok(())
    })
}

fn u64_bytes<'py>(py: Python<'py>, values: &[u64]) -> PyResult<Bound<'py, PyByteArray>> {
    PyByteArray::new_with(py, values.len() * 8, |buf| {
        for (dst, v) in buf.chunks_exact_mut(8).zip(values) {
            dst.copy_from_slice(&v.to_ne_bytes());
        }
        Ok(())
    })
}

fn read_u32(raw: &[u8]) -> PyResult<Vec<u32>> {
    if raw.len() % 4 != 0 {
        return Err(PyValueError::new_err("not a whole number of uint32 values"));
    }
    Ok(raw.chunks_exact(4).map(|c| u32::from_ne_bytes(c.try_into().unwrap())).collect())
}

fn read_u64(raw: &[u8]) -> PyResult<Vec<u64>> {
    if raw.len() % 8 != 0 {
        return Err(PyValueError::new_err("not a whole number of uint64 values"));
    }
    Ok(raw.chunks_exact(8).map(|c| u64::from_ne_bytes(c.try_into().unwrap())).collect())
}

/// Everything `analyzers.signatures.signature` computes after boilerplate removal, with the
/// parameters `analyzers.signatures` gives it.
#[pyclass(frozen)]
struct Signer {
    bits: Arc<Bits>,
    perm_a: Vec<u32>,
    perm_b: Vec<u32>,
    k: usize,
    window: usize,
    order_free: usize,
}

#[pymethods]
impl Signer {
    #[new]
    fn new(
        skip: PyRef<'_, SkipSet>,
        perm_a: Vec<u32>,
        perm_b: Vec<u32>,
        k: usize,
        window: usize,
        order_free: usize,
    ) -> PyResult<Self> {
        if perm_a.len() != perm_b.len() || k == 0 || window == 0 {
            return Err(PyValueError::new_err("bad signature parameters"));
        }
        Ok(Signer { bits: Arc::clone(&skip.bits), perm_a, perm_b, k, window, order_free })
    }

    /// `(chars, key, shingles, minhash, anchors)` of a text already without boilerplate:
    /// `key` is the little-endian uint32 code points `text_key` hashes (sorted from
    /// `order_free` characters on), the arrays native-endian uint64/uint32/uint64.
    #[allow(clippy::type_complexity)]
    fn signature<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<(
        usize,
        Bound<'py, PyBytes>,
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
    )> {
        let codes = compact(&self.bits, as_str(&utf8(text)?)?);
        let ordered = shingle_hashes(&codes, self.k);
        let shingles = sorted_unique(&ordered);
        let minhash = minhash_values(&shingles, &self.perm_a, &self.perm_b);
        let anchors = winnow(&ordered, self.window);
        let mut keyed = codes.clone();
        if keyed.len() >= self.order_free {
            keyed.sort_unstable();
        }
        let key = PyBytes::new_with(py, keyed.len() * 4, |buf| {
            for (dst, v) in buf.chunks_exact_mut(4).zip(&keyed) {
                dst.copy_from_slice(&v.to_le_bytes());
            }
            Ok(())
        })?;
        Ok((
            codes.len(),
            key,
            u64_bytes(py, &shingles)?,
            u32_bytes(py, &minhash)?,
            u64_bytes(py, &anchors)?,
        ))
    }

    /// The single steps, for the parity tests: uint32 code points in, uint64 hashes out.
    fn shingle_hashes<'py>(
        &self,
        py: Python<'py>,
        codes: &[u8],
    ) -> PyResult<Bound<'py, PyByteArray>> {
        u64_bytes(py, &shingle_hashes(&read_u32(codes)?, self.k))
    }

    fn sorted_unique<'py>(
        &self,
        py: Python<'py>,
        hashes: &[u8],
    ) -> PyResult<Bound<'py, PyByteArray>> {
        u64_bytes(py, &sorted_unique(&read_u64(hashes)?))
    }

    fn minhash_values<'py>(
        &self,
        py: Python<'py>,
        hashes: &[u8],
    ) -> PyResult<Bound<'py, PyByteArray>> {
        u32_bytes(py, &minhash_values(&read_u64(hashes)?, &self.perm_a, &self.perm_b))
    }

    fn winnow<'py>(&self, py: Python<'py>, hashes: &[u8]) -> PyResult<Bound<'py, PyByteArray>> {
        u64_bytes(py, &winnow(&read_u64(hashes)?, self.window))
    }
}

/// What `analyzers.pinyin` reads a document's title and key terms with, given once by
/// `analyzers.pinyin.native_pinyin`: the code point ranges of pypinyin's Han class (the
/// runs of `_lazy_pinyin`), each character's toneless syllable and each phrase's, as
/// pypinyin's converter gives them (already filtered as `char_syllables` filters them), and
/// the phrases whose prefixes pypinyin's `mmseg` matches. Nothing of pypinyin is read here
/// but what Python passes.
#[pyclass(frozen)]
struct PinyinKeys {
    han: Bits,
    chars: HashMap<char, Box<str>, Fx>,
    phrases: HashMap<Box<str>, Vec<Box<str>>, Fx>,
    prefixes: HashSet<Box<str>, Fx>,
    max_run: usize,
}

impl PinyinKeys {
    #[inline]
    fn is_han(&self, c: char) -> bool {
        self.han.skip(c)
    }

    /// `char_syllables`: one syllable per character ("" for none). Han runs are cut as
    /// pypinyin's `mmseg.seg.cut` (no_non_phrases) cuts them: the longest phrase among the
    /// prefixes that are all prefixes of phrases, else one character, and a rest whose every
    /// prefix is a prefix but none a phrase, character by character.
    fn syllables<'a>(&'a self, s: &str) -> Vec<&'a str> {
        let offsets: Vec<usize> = s.char_indices().map(|(i, _)| i).chain(Some(s.len())).collect();
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let mut out: Vec<&'a str> = Vec::with_capacity(n);
        let mut i = 0;
        while i < n {
            if !self.is_han(chars[i]) {
                out.push("");
                i += 1;
                continue;
            }
            let mut end = i;
            while end < n && self.is_han(chars[end]) {
                end += 1;
            }
            while i < end {
                let mut longest = 0;
                let mut j = i;
                while j < end {
                    let word = &s[offsets[i]..offsets[j + 1]];
                    if !self.prefixes.contains(word) {
                        break;
                    }
                    if self.phrases.contains_key(word) {
                        longest = j + 1 - i;
                    }
                    j += 1;
                }
                let take = if longest > 0 {
                    let phrase = &self.phrases[&s[offsets[i]..offsets[i + longest]]];
                    out.extend(phrase.iter().map(|x| &**x));
                    longest
                } else if j < end {
                    1
                } else {
                    end - i
                };
                if longest == 0 {
                    for c in &chars[i..i + take] {
                        out.push(self.chars.get(c).map_or("", |x| &**x));
                    }
                }
                i += take;
            }
        }
        out
    }
}

#[pymethods]
impl PinyinKeys {
    #[new]
    fn new(
        han: Vec<(u32, u32)>,
        chars: Vec<(char, String)>,
        phrases: Vec<(String, Vec<String>)>,
        max_run: usize,
    ) -> PyResult<Self> {
        let mut bits = vec![0u64; CODE_POINTS / 64];
        for (lo, hi) in han {
            if lo > hi || hi as usize > CODE_POINTS {
                return Err(PyValueError::new_err("bad code point range"));
            }
            for cp in lo as usize..hi as usize {
                bits[cp >> 6] |= 1 << (cp & 63);
            }
        }
        let plain = |x: &String| x.bytes().all(|b| b.is_ascii_alphabetic());
        if !chars.iter().all(|(_, x)| plain(x))
            || !phrases.iter().all(|(_, xs)| xs.iter().all(plain))
        {
            return Err(PyValueError::new_err("a syllable not of ASCII letters"));
        }
        let mut prefixes: HashSet<Box<str>, Fx> = HashSet::default();
        let mut table: HashMap<Box<str>, Vec<Box<str>>, Fx> = HashMap::default();
        for (phrase, syllables) in phrases {
            if syllables.len() != phrase.chars().count() {
                return Err(PyValueError::new_err("a phrase without one syllable a character"));
            }
            for (i, _) in phrase.char_indices().skip(1) {
                prefixes.insert(Box::from(&phrase[..i]));
            }
            prefixes.insert(Box::from(phrase.as_str()));
            table.insert(phrase.into_boxed_str(), syllables.into_iter().map(Box::from).collect());
        }
        Ok(PinyinKeys {
            han: Bits(bits),
            chars: chars.into_iter().map(|(c, s)| (c, s.into_boxed_str())).collect(),
            phrases: table,
            prefixes,
            max_run,
        })
    }

    /// `char_syllables(text)`, as a list.
    fn syllables_of(&self, text: &Bound<'_, PyString>) -> PyResult<Vec<String>> {
        let raw = utf8(text)?;
        Ok(self.syllables(as_str(&raw)?).into_iter().map(String::from).collect())
    }

    /// `text_tokens(text)` given its word spans (`analyzers.pinyin._words`, character
    /// offsets); None where the Python code would raise (a word starting past the text).
    fn text_tokens<'py>(
        &self,
        text: &Bound<'py, PyString>,
        spans: Vec<(usize, usize)>,
    ) -> PyResult<Option<Vec<Bound<'py, PyString>>>> {
        let raw = utf8(text)?;
        let py = text.py();
        Ok(self.run_tokens(as_str(&raw)?, spans, |tokens| {
            tokens.iter().map(|t| PyString::new(py, t)).collect()
        }))
    }

    /// The same tokens joined by spaces (`" ".join(text_tokens(text))`): one string for
    /// `document_tokens`, not one object per token.
    fn text_tokens_joined<'py>(
        &self,
        text: &Bound<'py, PyString>,
        spans: Vec<(usize, usize)>,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        let raw = utf8(text)?;
        let py = text.py();
        Ok(self.run_tokens(as_str(&raw)?, spans, |tokens| PyString::new(py, &tokens.join(" "))))
    }
}

impl PinyinKeys {
    /// The tokens of `text_tokens_python`, in its order, handed to `emit`. The pinyin of a run
    /// of characters is a slice of the whole text's joined pinyin (and its initials of the
    /// joined initials): characters without a syllable add nothing to either, so the run
    /// `start..end` is `full[at[start]..at[end]]`, and no token is built on its own.
    fn run_tokens<T>(
        &self,
        s: &str,
        spans: Vec<(usize, usize)>,
        emit: impl FnOnce(&[&str]) -> T,
    ) -> Option<T> {
        let syl = self.syllables(s);
        let n = syl.len();
        let mut starts: Vec<usize> = spans.iter().map(|&(s, _)| s).collect();
        let mut ends: Vec<usize> = spans.iter().map(|&(_, e)| e).collect();
        starts.sort_unstable();
        starts.dedup();
        ends.sort_unstable();
        ends.dedup();
        if starts.last().map_or(false, |&s| s >= n) {
            return None;
        }
        let mut full = String::new();
        let mut initials = String::new();
        let mut full_at = Vec::with_capacity(n + 1);
        let mut initials_at = Vec::with_capacity(n + 1);
        for x in &syl {
            full_at.push(full.len());
            initials_at.push(initials.len());
            full.push_str(x);
            initials.push_str(x.get(..1).unwrap_or(""));
        }
        full_at.push(full.len());
        initials_at.push(initials.len());
        let mut out: Vec<&str> = Vec::new();
        let mut seen: HashSet<&str, Fx> = HashSet::default();
        for &start in &starts {
            if syl[start].is_empty() {
                continue;
            }
            for &end in &ends[ends.partition_point(|&e| e <= start)..] {
                if end - start > self.max_run {
                    break;
                }
                let end = end.min(n);
                let f = &full[full_at[start]..full_at[end]];
                if seen.insert(f) {
                    out.push(f);
                }
                let i = &initials[initials_at[start]..initials_at[end]];
                if i.len() > 1 && seen.insert(i) {
                    out.push(i);
                }
            }
        }
        Some(emit(&out))
    }
}

type Fx = BuildHasherDefault<FxHasher>;

/// rustc's FxHash: the tokens and phrases hashed here are short, and SipHash's start-up cost
/// was most of a lookup.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap());
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[pymodule]
fn govsearch_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("KERNEL_VERSION", KERNEL_VERSION)?;
    m.add_class::<SkipSet>()?;
    m.add_class::<Signer>()?;
    m.add_class::<PinyinKeys>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winnow_takes_the_minimum_of_every_window() {
        let h = [5u64, 3, 9, 1, 7, 8, 2, 6];
        let naive: Vec<u64> =
            sorted_unique(&h.windows(3).map(|w| *w.iter().min().unwrap()).collect::<Vec<_>>());
        assert_eq!(winnow(&h, 3), naive);
        assert_eq!(winnow(&h, 8), vec![1]);
        assert_eq!(winnow(&[], 3), Vec::<u64>::new());
    }

    #[test]
    fn sorted_unique_sorts_whatever_the_spread() {
        let mut x = 7u64;
        let spread: Vec<u64> = (0..1000)
            .map(|_| {
                x = splitmix64(x);
                x
            })
            .collect();
        let clustered: Vec<u64> = spread.iter().map(|v| v % 5000).collect();
        for values in [spread, clustered, vec![3, 3, 3], vec![]] {
            let mut want = values.clone();
            want.sort();
            want.dedup();
            assert_eq!(sorted_unique(&values), want);
        }
    }

    #[test]
    fn a_short_text_is_one_shingle() {
        assert_eq!(shingle_hashes(&[1, 2], 5).len(), 1);
        assert_eq!(shingle_hashes(&[1, 2, 3, 4, 5], 5).len(), 1);
        assert_eq!(shingle_hashes(&[1, 2, 3, 4, 5, 6], 5).len(), 2);
        assert!(shingle_hashes(&[], 5).is_empty());
    }

    fn keys() -> PinyinKeys {
        let s = |x: &str| x.to_owned();
        PinyinKeys::new(
            vec![(0x4E00, 0xA000)],
            vec![('银', s("yin")), ('行', s("xing")), ('政', s("zheng")), ('长', s("zhang"))],
            vec![
                (s("银行"), vec![s("yin"), s("hang")]),
                (s("行政"), vec![s("xing"), s("zheng")]),
                (s("银行行长"), vec![s("yin"), s("hang"), s("hang"), s("zhang")]),
            ],
            4,
        )
        .unwrap()
    }

    #[test]
    fn phrases_are_cut_longest_first_as_mmseg_cuts_them() {
        let k = keys();
        // 银行行 is a prefix of 银行行长 but not a phrase: the longest phrase, 银行, is taken
        assert_eq!(k.syllables("银行行政"), ["yin", "hang", "xing", "zheng"]);
        assert_eq!(k.syllables("银行行长a"), ["yin", "hang", "hang", "zhang", ""]);
        // a Han character without a reading is "", as pypinyin's errors callback makes it
        assert_eq!(k.syllables("丁，行"), ["", "", "xing"]);
        assert!(k.syllables("").is_empty());
    }
}
