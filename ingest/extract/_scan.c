/* _scan: the matcher's hot loop (`ingest.extract.matcher.find_hits`) in C, the candidate-name
 * runs (`ingest.extract.candidates.find_candidates`), py3langid's DFA walk (for `ingest.language`) and the
 * story shingles' hashes (`ingest.shingles`), each of the last three in its own section below.
 *
 * Why: the pure-Python path builds a tuple for every raw Aho-Corasick hit (about a hundred per
 * article) and filters them one by one in Python; most are dropped (word boundary, case). Here
 * the automaton pass, the word-boundary check, the case-sensitive surface check and the
 * leftmost-longest choice per lane all run in C, and Python only sees the hits that are kept.
 *
 * The rules are the Python reference's, which stays in matcher.py as the fallback and as the
 * oracle of tests/unit/test_scan_native.py:
 *   - the automaton runs over the folded text, `matcher._fold(text)`: each code point lowered when
 *     its lower case is one code point, else kept. The scan folds as it reads (ASCII by table,
 *     others by _PyUnicode_ToLowerFull, what str.lower uses), except in a text with a capital
 *     sigma, whose lower case depends on its neighbours: it asks the `fold` callable, `_fold` itself;
 *   - a hit counts only at word boundaries of the original text: the code points around it are
 *     not alphanumeric (Py_UNICODE_ISALNUM is what str.isalnum tests on one character), or that
 *     code point or the hit's own one at that edge is of a script written without spaces
 *     (`unspaced`, matcher.UNSPACED: Chinese, Japanese kana, Thai, ...); an Arabic hit may also
 *     start after one or two Arabic proclitic letters that start a word (`opens`, matcher._opens);
 *   - a case-sensitive pattern counts only where the original text equals its surface;
 *   - a guarded pattern ("Chad", "Jordan") is asked of the `guard` callable, the Python
 *     function itself (`matcher._beside_a_name`): it is rare, so it stays exact by construction;
 *   - the surviving candidates, ordered by (start, longest first, pattern index), are kept when
 *     they start at or after the end of the last kept hit of their lane.
 *
 * The automaton: a trie over code points with failure links, its states numbered breadth-first
 * (the shallow ones, where the scan spends most of its steps, 80% at depth 3 or less on the
 * generated articles, come first; a state's children are consecutive). Those shallow states (`n_dense`) have a
 * full transition row over the keys' ASCII classes, so an ASCII step from them is one table
 * read; each row entry also carries, in its low bit, whether a key ends at the target or on its
 * fail chain, so most steps read nothing else. Deeper states, and non-ASCII code points, follow
 * the trie's sibling lists and failure links (the root's non-ASCII children are sorted and
 * binary-searched). Full rows for every state were measured no faster and take 9 MB for the
 * project's gazetteer (these take under 2 MB). All arrays are allocated at construction and freed
 * by the type's dealloc.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h> /* madvise(MADV_HUGEPAGE), for py3langid's table */
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#include <immintrin.h> /* F16C, for py3langid's rows, where the CPU has it */
#define LANGID_F16C
#endif

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

#define ASCII 128
enum { TALLY_ACTOR, TALLY_NOT_ACTOR, TALLY_TOPIC, TALLY_NEGATIVE }; /* a pattern's kind, for the tally */
#define CAPITAL_SIGMA 0x3A3
#define DENSE_DEPTH 3 /* states this deep or shallower get a full ASCII transition row */

typedef struct {
    Py_UCS4 cp;
    int32_t state;
} Edge;

typedef struct {
    Py_ssize_t start, end;
    int32_t pattern;
} Candidate;

typedef struct {
    PyObject_HEAD
    PyObject *guard; /* callable(text, start, end) -> bool: true drops a guarded pattern's hit */
    PyObject *fold;  /* callable(text) -> str: matcher._fold, for a text with a capital sigma */
    PyTypeObject *hit; /* NULL, or the tuple subclass scan() makes its hits of: hit(payloads[index], start, end) */
    PyObject *payloads; /* a tuple, one item per pattern, when hit is set */
    /* the tally (extract._tally) where the scanner was given one: per pattern its kind (TALLY_*), whether it is a
     * short form, its entity id (a tuple, one str per pattern) and its weight in the body and in the title */
    PyObject *tally_ids;
    uint8_t *tally_kind, *contextual;
    double *weight, *title_weight;
    int32_t n_states, n_dense, n_keys, width;
    uint8_t cls[ASCII];      /* ASCII code point -> class in 1..width-1 of the keys' code points; 0: in no key */
    uint8_t scan_cls[ASCII]; /* the class of the code point's lower case: the scan folds ASCII with it */
    /* the trie, one entry per state (state 0 is the root) */
    Py_UCS4 *label;
    int32_t *child, *sibling; /* first child; next sibling */
    int32_t *fail, *term, *dict_link; /* term: key ending here or -1; dict_link: next state with a key on the fail chain */
    uint8_t *has_out;                 /* term >= 0 or dict_link >= 0 */
    uint32_t *delta; /* n_dense * width: the full transition on ASCII classes, (state << 1) | has output */
    Edge *root_hi; /* the root's children for non-ASCII code points, sorted */
    int32_t n_root_hi;
    /* keys: length, and their patterns (ascending index) at key_pats[key_first[k] .. key_first[k + 1]) */
    int32_t *key_len, *key_first, *key_pats;
    /* patterns: lane (0 actor, 1 topic), guarded, case-sensitive surface at surf[surf_at[p] ..] or surf_len -1 */
    uint8_t *lane, *guarded;
    Py_ssize_t *surf_at, *surf_len;
    Py_UCS4 *surf;
} Scanner;

static void scanner_free_arrays(Scanner *self) {
    void **arrays[] = {(void **)&self->label,     (void **)&self->child,    (void **)&self->sibling,
                       (void **)&self->fail,      (void **)&self->term,     (void **)&self->dict_link,
                       (void **)&self->has_out,   (void **)&self->delta,    (void **)&self->root_hi,
                       (void **)&self->key_len,   (void **)&self->key_first, (void **)&self->key_pats,
                       (void **)&self->lane,      (void **)&self->guarded,  (void **)&self->surf_at,
                       (void **)&self->surf_len,  (void **)&self->surf,     (void **)&self->tally_kind,
                       (void **)&self->contextual, (void **)&self->weight,  (void **)&self->title_weight};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        PyMem_Free(*arrays[i]);
        *arrays[i] = NULL;
    }
}

/* The child of state s on code point c, or -1. */
static int32_t goto_state(const Scanner *self, int32_t s, Py_UCS4 c) {
    if (s == 0) {
        if (c < ASCII) {
            int32_t t = self->cls[c] ? (int32_t)(self->delta[self->cls[c]] >> 1) : 0;
            return t ? t : -1;
        }
        int32_t lo = 0, hi = self->n_root_hi;
        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;
            if (self->root_hi[mid].cp < c)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < self->n_root_hi && self->root_hi[lo].cp == c ? self->root_hi[lo].state : -1;
    }
    for (int32_t t = self->child[s]; t >= 0; t = self->sibling[t])
        if (self->label[t] == c)
            return t;
    return -1;
}

/* One automaton step on a non-ASCII code point: follow failure links until a child matches. */
static int32_t step_hi(const Scanner *self, int32_t s, Py_UCS4 c) {
    for (;;) {
        int32_t t = goto_state(self, s, c);
        if (t >= 0)
            return t;
        if (s == 0)
            return 0;
        s = self->fail[s];
    }
}

/* One automaton step on ASCII code point c (lower-cased, of class k) from a state without a row:
 * follow failure links until a child matches or a state with a row answers. */
static int32_t step_deep(const Scanner *self, int32_t s, Py_UCS4 c, uint8_t k) {
    if (!k)
        return 0; /* in no key */
    while (s >= self->n_dense) {
        for (int32_t t = self->child[s]; t >= 0; t = self->sibling[t])
            if (self->label[t] == c)
                return t;
        s = self->fail[s];
    }
    return (int32_t)(self->delta[(size_t)s * (size_t)self->width + k] >> 1);
}

static int edge_order(const void *a, const void *b) {
    Py_UCS4 x = ((const Edge *)a)->cp, y = ((const Edge *)b)->cp;
    return (x > y) - (x < y);
}

/* Fills the trie, the keys and the patterns from the entries (check_entry has checked them). */
static int scanner_insert(Scanner *self, PyObject *items, Py_ssize_t n) {
    Py_ssize_t surf_used = 0;
    int32_t *pattern_key = PyMem_Malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!pattern_key) {
        PyErr_NoMemory();
        return -1;
    }
    self->child[0] = self->sibling[0] = self->term[0] = -1;
    self->label[0] = 0;
    self->n_states = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *entry = PySequence_Fast_GET_ITEM(items, i);
        PyObject *key = PyTuple_GET_ITEM(entry, 0), *surface = PyTuple_GET_ITEM(entry, 1);
        Py_ssize_t length = PyUnicode_GET_LENGTH(key);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        int32_t s = 0;
        for (Py_ssize_t j = 0; j < length; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            int32_t t = self->child[s];
            while (t >= 0 && self->label[t] != c)
                t = self->sibling[t];
            if (t < 0) {
                t = self->n_states++;
                self->label[t] = c;
                self->child[t] = self->term[t] = -1;
                self->sibling[t] = self->child[s];
                self->child[s] = t;
            }
            s = t;
        }
        if (self->term[s] < 0) {
            self->term[s] = self->n_keys;
            self->key_len[self->n_keys++] = (int32_t)length;
        }
        pattern_key[i] = self->term[s];
        long lane = PyLong_AsLong(PyTuple_GET_ITEM(entry, 2));
        int guarded = PyObject_IsTrue(PyTuple_GET_ITEM(entry, 3));
        if ((lane == -1 && PyErr_Occurred()) || guarded < 0) {
            PyMem_Free(pattern_key);
            return -1;
        }
        self->lane[i] = (uint8_t)lane;
        self->guarded[i] = (uint8_t)guarded;
        if (surface == Py_None) {
            self->surf_at[i] = 0;
            self->surf_len[i] = -1;
        } else {
            Py_ssize_t size = PyUnicode_GET_LENGTH(surface);
            if (!PyUnicode_AsUCS4(surface, self->surf + surf_used, size, 0)) {
                PyMem_Free(pattern_key);
                return -1;
            }
            self->surf_at[i] = surf_used;
            self->surf_len[i] = size;
            surf_used += size;
        }
    }
    /* the patterns of each key, by a counting sort that keeps them in index order */
    memset(self->key_first, 0, sizeof(int32_t) * (size_t)(self->n_keys + 1));
    for (Py_ssize_t i = 0; i < n; i++)
        self->key_first[pattern_key[i] + 1]++;
    for (int32_t k = 0; k < self->n_keys; k++)
        self->key_first[k + 1] += self->key_first[k];
    int32_t *fill = PyMem_Malloc(sizeof(int32_t) * (size_t)(self->n_keys + 1));
    if (!fill) {
        PyMem_Free(pattern_key);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(fill, self->key_first, sizeof(int32_t) * (size_t)(self->n_keys + 1));
    for (Py_ssize_t i = 0; i < n; i++)
        self->key_pats[fill[pattern_key[i]]++] = (int32_t)i;
    PyMem_Free(fill);
    PyMem_Free(pattern_key);
    return 0;
}

/* Renumbers the trie's states breadth-first (see the top). */
static int scanner_renumber(Scanner *self) {
    int32_t n = self->n_states;
    int32_t *order = PyMem_Malloc(sizeof(int32_t) * (size_t)n), *new_id = PyMem_Malloc(sizeof(int32_t) * (size_t)n);
    uint32_t *moved = PyMem_Malloc(sizeof(uint32_t) * (size_t)n);
    if (!order || !new_id || !moved) {
        PyMem_Free(order);
        PyMem_Free(new_id);
        PyMem_Free(moved);
        PyErr_NoMemory();
        return -1;
    }
    int32_t tail = 1, level_end = 1, depth = 0; /* order[..level_end) are the states up to `depth` deep */
    order[0] = 0;
    self->n_dense = 1;
    for (int32_t head = 0; head < tail; head++) {
        if (head == level_end) {
            level_end = tail;
            depth++;
        }
        if (depth <= DENSE_DEPTH)
            self->n_dense = head + 1;
        for (int32_t t = self->child[order[head]]; t >= 0; t = self->sibling[t])
            order[tail++] = t;
    }
    for (int32_t i = 0; i < n; i++)
        new_id[order[i]] = i;
    for (int32_t i = 0; i < n; i++)
        moved[new_id[i]] = self->label[i];
    memcpy(self->label, moved, sizeof(uint32_t) * (size_t)n);
    for (int32_t i = 0; i < n; i++)
        moved[new_id[i]] = (uint32_t)self->term[i];
    memcpy(self->term, moved, sizeof(int32_t) * (size_t)n);
    int32_t *links[] = {self->child, self->sibling};
    for (size_t l = 0; l < 2; l++) {
        for (int32_t i = 0; i < n; i++)
            moved[new_id[i]] = (uint32_t)(links[l][i] < 0 ? -1 : new_id[links[l][i]]);
        memcpy(links[l], moved, sizeof(int32_t) * (size_t)n);
    }
    PyMem_Free(order);
    PyMem_Free(new_id);
    PyMem_Free(moved);
    return 0;
}

/* A row entry: the target state, and in the low bit whether a key ends there or on its fail chain. */
static uint32_t entry(const Scanner *self, int32_t state) {
    return (uint32_t)state << 1 | (self->term[state] >= 0 || self->dict_link[state] >= 0);
}

/* ASCII classes, the root's sorted non-ASCII children, then failure links, dictionary links and
 * the ASCII transition rows, state by state: breadth-first, so a state's fail state is done. */
static int scanner_link(Scanner *self) {
    if (scanner_renumber(self) < 0)
        return -1;
    int32_t width = 1, n_hi = 0;
    memset(self->cls, 0, sizeof(self->cls));
    for (int32_t s = 1; s < self->n_states; s++)
        if (self->label[s] < ASCII && !self->cls[self->label[s]])
            self->cls[self->label[s]] = (uint8_t)width++;
    for (Py_UCS4 c = 0; c < ASCII; c++)
        self->scan_cls[c] = self->cls[c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c];
    self->width = width;
    for (int32_t t = self->child[0]; t >= 0; t = self->sibling[t])
        n_hi += self->label[t] >= ASCII;
    self->delta = PyMem_Calloc((size_t)self->n_dense * (size_t)width, sizeof(uint32_t));
    self->root_hi = PyMem_Malloc(sizeof(Edge) * (size_t)(n_hi ? n_hi : 1));
    self->has_out = PyMem_Malloc((size_t)self->n_states);
    if (!self->delta || !self->root_hi || !self->has_out) {
        PyErr_NoMemory();
        return -1;
    }
    self->fail[0] = 0;
    self->dict_link[0] = -1;
    for (int32_t t = self->child[0]; t >= 0; t = self->sibling[t]) {
        self->fail[t] = 0;
        self->dict_link[t] = -1;
        if (self->label[t] < ASCII)
            self->delta[self->cls[self->label[t]]] = entry(self, t);
        else
            self->root_hi[self->n_root_hi++] = (Edge){self->label[t], t};
    }
    qsort(self->root_hi, (size_t)self->n_root_hi, sizeof(Edge), edge_order);
    for (int32_t u = 1; u < self->n_states; u++) {
        uint32_t *row = u < self->n_dense ? self->delta + (size_t)u * (size_t)width : NULL; /* fail[u] is shallower */
        if (row)
            memcpy(row, self->delta + (size_t)self->fail[u] * (size_t)width, sizeof(uint32_t) * (size_t)width);
        for (int32_t v = self->child[u]; v >= 0; v = self->sibling[v]) {
            Py_UCS4 c = self->label[v];
            int32_t f = self->fail[u], t;
            while ((t = goto_state(self, f, c)) < 0 && f != 0)
                f = self->fail[f];
            self->fail[v] = t < 0 ? 0 : t;
            self->dict_link[v] = self->term[self->fail[v]] >= 0 ? self->fail[v] : self->dict_link[self->fail[v]];
            if (row && c < ASCII)
                row[self->cls[c]] = entry(self, v);
        }
    }
    for (int32_t s = 0; s < self->n_states; s++)
        self->has_out[s] = self->term[s] >= 0 || self->dict_link[s] >= 0;
    return 0;
}

static int check_entry(PyObject *entry, Py_ssize_t index) {
    if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 4) {
        PyErr_Format(PyExc_TypeError, "entry %zd: expected (key, surface or None, lane, guarded)", index);
        return -1;
    }
    PyObject *key = PyTuple_GET_ITEM(entry, 0), *surface = PyTuple_GET_ITEM(entry, 1);
    if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0) {
        PyErr_Format(PyExc_ValueError, "entry %zd: the key must be a non-empty str", index);
        return -1;
    }
    if (surface != Py_None && (!PyUnicode_Check(surface) || PyUnicode_GET_LENGTH(surface) != PyUnicode_GET_LENGTH(key))) {
        PyErr_Format(PyExc_ValueError, "entry %zd: the surface must be None or a str as long as the key", index);
        return -1;
    }
    long lane = PyLong_Check(PyTuple_GET_ITEM(entry, 2)) ? PyLong_AsLong(PyTuple_GET_ITEM(entry, 2)) : -1;
    if (lane != 0 && lane != 1) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "entry %zd: the lane must be 0 or 1", index);
        return -1;
    }
    return PyObject_IsTrue(PyTuple_GET_ITEM(entry, 3)) < 0 ? -1 : 0;
}

/* Whether scan() may make its hits of `hit` as tuple.__new__ does (tp_alloc, then the three items):
 * a tuple subclass made by class statements (a named tuple), each class on the way to tuple a heap
 * type. Not a struct sequence (os.stat_result, time.struct_time): its dealloc reads n_fields
 * items, more than the three made here. */
static int is_hit_type(PyObject *hit) {
    if (!PyType_Check(hit) || !PyType_IsSubtype((PyTypeObject *)hit, &PyTuple_Type))
        return 0;
    for (PyTypeObject *t = (PyTypeObject *)hit; t != &PyTuple_Type; t = t->tp_base)
        if (!PyType_HasFeature(t, Py_TPFLAGS_HEAPTYPE) || PyDict_GetItemString(t->tp_dict, "n_fields"))
            return 0;
    return 1;
}

/* The tally's arrays from `tally`, one (kind, entity id, contextual, weight, title weight) per pattern. */
static int scanner_tally(Scanner *self, PyObject *tally, Py_ssize_t n) {
    PyObject *items = PySequence_Fast(tally, "tally must be a sequence");
    if (!items)
        return -1;
    int failed = -1;
    if (PySequence_Fast_GET_SIZE(items) != n) {
        PyErr_SetString(PyExc_ValueError, "tally must have one item per entry");
        goto done;
    }
    size_t count = (size_t)(n ? n : 1);
    self->tally_kind = PyMem_Malloc(count);
    self->contextual = PyMem_Malloc(count);
    self->weight = PyMem_Malloc(sizeof(double) * count);
    self->title_weight = PyMem_Malloc(sizeof(double) * count);
    self->tally_ids = PyTuple_New(n);
    if (!self->tally_kind || !self->contextual || !self->weight || !self->title_weight) {
        PyErr_NoMemory();
        goto done;
    }
    if (!self->tally_ids)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 5 || !PyUnicode_Check(PyTuple_GET_ITEM(item, 1))) {
            PyErr_Format(PyExc_TypeError, "tally item %zd: (kind, entity id: str, contextual, weight, title weight)", i);
            goto done;
        }
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(item, 0));
        int contextual = PyObject_IsTrue(PyTuple_GET_ITEM(item, 2));
        double weight = PyFloat_AsDouble(PyTuple_GET_ITEM(item, 3)), title_weight = PyFloat_AsDouble(PyTuple_GET_ITEM(item, 4));
        if (PyErr_Occurred() || contextual < 0)
            goto done;
        if (kind < TALLY_ACTOR || kind > TALLY_NEGATIVE) {
            PyErr_Format(PyExc_ValueError, "tally item %zd: kind must be 0 to 3", i);
            goto done;
        }
        self->tally_kind[i] = (uint8_t)kind;
        self->contextual[i] = (uint8_t)contextual;
        self->weight[i] = weight;
        self->title_weight[i] = title_weight;
        PyTuple_SET_ITEM(self->tally_ids, i, Py_NewRef(PyTuple_GET_ITEM(item, 1)));
    }
    failed = 0;
done:
    Py_DECREF(items);
    if (failed)
        Py_CLEAR(self->tally_ids); /* a scanner without a tally refuses scan's tally arguments */
    return failed;
}

static PyObject *scanner_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *keywords[] = {"entries", "guard", "fold", "hit", "payloads", "tally", NULL};
    PyObject *entries, *guard, *fold, *hit = Py_None, *payloads = Py_None, *tally = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|$OOO:Scanner", keywords, &entries, &guard, &fold, &hit, &payloads,
                                     &tally))
        return NULL;
    if (!PyCallable_Check(guard) || !PyCallable_Check(fold)) {
        PyErr_SetString(PyExc_TypeError, "guard and fold must be callable");
        return NULL;
    }
    if ((hit == Py_None) != (payloads == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "hit and payloads come together");
        return NULL;
    }
    if (hit != Py_None && (!is_hit_type(hit) || !PyTuple_CheckExact(payloads))) {
        PyErr_SetString(PyExc_TypeError, "hit must be a tuple subclass (a named tuple) and payloads a tuple");
        return NULL;
    }
    PyObject *items = PySequence_Fast(entries, "entries must be a sequence");
    if (!items)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items), key_total = 0, surf_total = 0;
    if (payloads != Py_None && PyTuple_GET_SIZE(payloads) != n) {
        Py_DECREF(items);
        PyErr_SetString(PyExc_ValueError, "payloads must have one item per entry");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *entry = PySequence_Fast_GET_ITEM(items, i);
        if (check_entry(entry, i) < 0) {
            Py_DECREF(items);
            return NULL;
        }
        key_total += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(entry, 0));
        if (PyTuple_GET_ITEM(entry, 1) != Py_None)
            surf_total += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(entry, 1));
    }
    if (key_total >= INT32_MAX / 2 || n >= INT32_MAX / 2) { /* state numbers keep a flag bit */
        Py_DECREF(items);
        PyErr_SetString(PyExc_OverflowError, "too many patterns");
        return NULL;
    }
    Scanner *self = (Scanner *)type->tp_alloc(type, 0); /* zeroed: every array pointer starts NULL */
    if (!self) {
        Py_DECREF(items);
        return NULL;
    }
    size_t states = (size_t)key_total + 1, count = (size_t)(n ? n : 1);
    self->guard = Py_NewRef(guard);
    self->fold = Py_NewRef(fold);
    if (hit != Py_None) {
        self->hit = (PyTypeObject *)Py_NewRef(hit);
        self->payloads = Py_NewRef(payloads);
    }
    self->label = PyMem_Malloc(sizeof(Py_UCS4) * states);
    self->child = PyMem_Malloc(sizeof(int32_t) * states);
    self->sibling = PyMem_Malloc(sizeof(int32_t) * states);
    self->fail = PyMem_Malloc(sizeof(int32_t) * states);
    self->term = PyMem_Malloc(sizeof(int32_t) * states);
    self->dict_link = PyMem_Malloc(sizeof(int32_t) * states);
    self->key_len = PyMem_Malloc(sizeof(int32_t) * count);
    self->key_first = PyMem_Malloc(sizeof(int32_t) * (count + 1));
    self->key_pats = PyMem_Malloc(sizeof(int32_t) * count);
    self->lane = PyMem_Malloc(count);
    self->guarded = PyMem_Malloc(count);
    self->surf_at = PyMem_Malloc(sizeof(Py_ssize_t) * count);
    self->surf_len = PyMem_Malloc(sizeof(Py_ssize_t) * count);
    self->surf = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(surf_total ? surf_total : 1));
    int ok = self->label && self->child && self->sibling && self->fail && self->term && self->dict_link && self->key_len &&
             self->key_first && self->key_pats && self->lane && self->guarded && self->surf_at && self->surf_len && self->surf;
    if (!ok)
        PyErr_NoMemory();
    if (!ok || scanner_insert(self, items, n) < 0 || scanner_link(self) < 0 || (tally != Py_None && scanner_tally(self, tally, n) < 0)) {
        Py_DECREF(items);
        Py_DECREF(self);
        return NULL;
    }
    Py_DECREF(items);
    return (PyObject *)self;
}

static int candidate_order(const void *a, const void *b) {
    const Candidate *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1; /* longest first */
    return (x->pattern > y->pattern) - (x->pattern < y->pattern);
}

typedef struct {
    Candidate *items;
    Py_ssize_t size, capacity;
} Candidates;

/* Room for one more item in a growable array of `item`-byte items, doubling from `first`: the array
 * (moved or not), or NULL with MemoryError set (the old array is still valid then). */
static void *make_room(void *items, Py_ssize_t size, Py_ssize_t *capacity, size_t item, Py_ssize_t first) {
    if (size < *capacity)
        return items;
    Py_ssize_t grown_to = *capacity ? 2 * *capacity : first;
    void *grown = PyMem_Realloc(items, item * (size_t)grown_to);
    if (!grown)
        return PyErr_NoMemory();
    *capacity = grown_to;
    return grown;
}

static int push(Candidates *list, Py_ssize_t start, Py_ssize_t end, int32_t pattern) {
    Candidate *items = make_room(list->items, list->size, &list->capacity, sizeof(Candidate), 64);
    if (!items)
        return -1;
    list->items = items;
    list->items[list->size++] = (Candidate){start, end, pattern};
    return 0;
}

/* Whether c is of a script written without spaces between words: matcher.UNSPACED, range for range. */
static inline int unspaced(Py_UCS4 c) {
    return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) || (c >= 0x1780 && c <= 0x17FF) ||
           (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF);
}

/* matcher._joined: whether a hit's edge runs on into the code point outside it (no word boundary there). */
static inline int joined(Py_UCS4 outside, Py_UCS4 inside) {
    return Py_UNICODE_ISALNUM(outside) && !unspaced(outside) && !unspaced(inside);
}

static inline int arabic_proclitic(Py_UCS4 c) { /* matcher.ARABIC_PROCLITICS: و ف ب ل ك */
    return c == 0x0648 || c == 0x0641 || c == 0x0628 || c == 0x0644 || c == 0x0643;
}

/* matcher._opens: whether a hit may start at `start`, a word boundary or one or two Arabic proclitics after one. */
static inline int opens(int kind, const void *data, Py_ssize_t start) {
    if (start == 0)
        return 1;
    Py_UCS4 first = PyUnicode_READ(kind, data, start);
    if (!joined(PyUnicode_READ(kind, data, start - 1), first))
        return 1;
    if (first < 0x0600 || first > 0x06FF)
        return 0;
    for (Py_ssize_t at = start - 1; at >= start - 2; at--) {
        if (at < 0 || !arabic_proclitic(PyUnicode_READ(kind, data, at)))
            return 0;
        if (at == 0 || !Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, at - 1)))
            return 1;
    }
    return 0;
}

/* The candidates of one key occurrence text[start:end]; -1 with an exception set on error. */
static ALWAYS_INLINE int consider(Scanner *self, PyObject *text, int kind, const void *data, Py_ssize_t size, Py_ssize_t start,
                    Py_ssize_t end, int32_t key, Candidates *out) {
    if (!opens(kind, data, start))
        return 0;
    if (end < size && joined(PyUnicode_READ(kind, data, end), PyUnicode_READ(kind, data, end - 1)))
        return 0;
    for (int32_t at = self->key_first[key]; at < self->key_first[key + 1]; at++) {
        int32_t p = self->key_pats[at];
        if (self->surf_len[p] >= 0) {
            const Py_UCS4 *surface = self->surf + self->surf_at[p];
            Py_ssize_t j = 0;
            while (j < end - start && PyUnicode_READ(kind, data, start + j) == surface[j])
                j++;
            if (j != end - start)
                continue;
        }
        if (self->guarded[p]) {
            PyObject *beside = PyObject_CallFunction(self->guard, "Onn", text, start, end);
            if (!beside)
                return -1;
            int drop = PyObject_IsTrue(beside);
            Py_DECREF(beside);
            if (drop < 0)
                return -1;
            if (drop)
                continue;
        }
        if (push(out, start, end, p) < 0)
            return -1;
    }
    return 0;
}

/* A hit as the scanner's hit type: hit(payloads[pattern], start, end), made as tuple.__new__ makes a
 * tuple subclass's instance (a named tuple's fields are its items), without a call into Python. */
static PyObject *make_hit(const Scanner *self, const Candidate *c) {
    PyObject *start = PyLong_FromSsize_t(c->start), *end = PyLong_FromSsize_t(c->end);
    PyObject *hit = start && end ? self->hit->tp_alloc(self->hit, 3) : NULL;
    if (!hit) {
        Py_XDECREF(start);
        Py_XDECREF(end);
        return NULL;
    }
    PyTuple_SET_ITEM(hit, 0, Py_NewRef(PyTuple_GET_ITEM(self->payloads, c->pattern)));
    PyTuple_SET_ITEM(hit, 1, start);
    PyTuple_SET_ITEM(hit, 2, end);
#if PY_VERSION_HEX >= 0x030E0000
    ((PyTupleObject *)hit)->ob_hash = -1; /* as tuple.__new__ does: tp_alloc zeroes it, and 0 reads as a cached hash */
#endif
    return hit;
}

/* A hit as a plain (start, end, pattern index) tuple. */
static PyObject *make_index_hit(const Candidate *c) {
    PyObject *hit = PyTuple_New(3);
    if (!hit)
        return NULL;
    PyObject *start = PyLong_FromSsize_t(c->start), *end = PyLong_FromSsize_t(c->end), *pattern = PyLong_FromLong(c->pattern);
    PyTuple_SET_ITEM(hit, 0, start); /* steals; a NULL item is released by the tuple's dealloc */
    PyTuple_SET_ITEM(hit, 1, end);
    PyTuple_SET_ITEM(hit, 2, pattern);
    if (!start || !end || !pattern)
        Py_CLEAR(hit);
    return hit;
}

/* Sorts candidates by candidate_order. The scan pushes them by end, and at one end longest first, so they are
 * in start order already but where keys overlap: an insertion sort moves only those, where qsort (a merge sort
 * in glibc, with its copies) was a fifth of the scan's instructions. The order is total, so the result is qsort's. */
static void sort_candidates(Candidate *items, Py_ssize_t size) {
    for (Py_ssize_t i = 1; i < size; i++) {
        Candidate c = items[i];
        Py_ssize_t j = i;
        for (; j > 0 && candidate_order(&items[j - 1], &c) > 0; j--)
            items[j] = items[j - 1];
        items[j] = c;
    }
}

/* What scan(text, in_title, confirmed, scores, taken) adds up over the kept hits (see tally_hit). */
typedef struct {
    int in_title;
    PyObject *confirmed, *scores, *taken; /* a set, a dict; a list or NULL */
} Tally;

/* extract._tally for one kept hit, in the same order and with the same float operations: a full actor name
 * confirms its actor, a topic phrase adds its weight (its title weight in the title) to its topic's score, a
 * negative cue takes 1 away; and, where `taken` is a list, an actor-lane hit's (start, end) is appended to it
 * (candidates.find_candidates' spans). 0, or -1 with an exception set. */
static int tally_hit(const Scanner *self, const Tally *tally, const Candidate *c) {
    int32_t p = c->pattern;
    PyObject *entity = PyTuple_GET_ITEM(self->tally_ids, p);
    uint8_t kind = self->tally_kind[p];
    if (kind == TALLY_ACTOR && !self->contextual[p] && PySet_Add(tally->confirmed, entity) < 0)
        return -1;
    if (kind == TALLY_TOPIC || kind == TALLY_NEGATIVE) {
        PyObject *old = PyDict_GetItemWithError(tally->scores, entity); /* borrowed */
        if (!old && PyErr_Occurred())
            return -1;
        double score = old ? PyFloat_AsDouble(old) : 0.0;
        if (score == -1.0 && PyErr_Occurred())
            return -1;
        score = kind == TALLY_TOPIC ? score + (tally->in_title ? self->title_weight[p] : self->weight[p]) : score - 1.0;
        PyObject *now = PyFloat_FromDouble(score);
        if (!now || PyDict_SetItem(tally->scores, entity, now) < 0) {
            Py_XDECREF(now);
            return -1;
        }
        Py_DECREF(now);
    }
    if (tally->taken && self->lane[p] == 0) {
        PyObject *span = Py_BuildValue("(nn)", c->start, c->end);
        if (!span || PyList_Append(tally->taken, span) < 0) {
            Py_XDECREF(span);
            return -1;
        }
        Py_DECREF(span);
    }
    return 0;
}

/* The kept hits, in text order: as (start, end, pattern index), or as the scanner's hit type; each also tallied
 * where `tally` is given. */
static PyObject *select_hits(const Scanner *self, Candidates *found, const Tally *tally) {
    sort_candidates(found->items, found->size);
    PyObject *hits = PyList_New(0);
    if (!hits)
        return NULL;
    Py_ssize_t last_end[2] = {-1, -1};
    for (Py_ssize_t i = 0; i < found->size; i++) {
        const Candidate *c = &found->items[i];
        uint8_t lane = self->lane[c->pattern];
        if (c->start < last_end[lane])
            continue;
        last_end[lane] = c->end;
        PyObject *hit = self->hit ? make_hit(self, c) : make_index_hit(c);
        if (!hit || PyList_Append(hits, hit) < 0 || (tally && tally_hit(self, tally, c) < 0)) {
            Py_XDECREF(hit);
            Py_DECREF(hits);
            return NULL;
        }
        Py_DECREF(hit);
    }
    return hits;
}

/* The folded code point: lowered when its lower case is one code point (see the top). */
static inline Py_UCS4 fold_hi(Py_UCS4 c) {
    Py_UCS4 lower[3];
    return _PyUnicode_ToLowerFull(c, lower) == 1 ? lower[0] : c;
}

/* The automaton over the text (read folded from fdata, which is data unless `folded`), pushing each key
 * occurrence's candidates; -1 with an exception set on error. Inlined per storage kind by scanner_scan. */
static ALWAYS_INLINE int scan_text(Scanner *self, PyObject *text, const int kind, const void *data, const int fkind,
                                   const void *fdata, Py_ssize_t size, const int folded, Candidates *found) {
    const uint32_t *delta = self->delta;
    const int32_t *term = self->term, *dict_link = self->dict_link;
    const uint8_t *has_out = self->has_out;
    const size_t width = (size_t)self->width;
    const int32_t n_dense = self->n_dense;
    int32_t s = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_UCS4 c = PyUnicode_READ(fkind, fdata, i);
        if (c < ASCII && s < n_dense) {
            uint32_t next = delta[(size_t)s * width + self->scan_cls[c]];
            s = (int32_t)(next >> 1);
            if (!(next & 1))
                continue;
        } else {
            if (c < ASCII)
                s = step_deep(self, s, c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c, self->scan_cls[c]);
            else
                s = step_hi(self, s, folded ? c : fold_hi(c));
            if (!has_out[s])
                continue;
        }
        for (int32_t t = term[s] >= 0 ? s : dict_link[s]; t >= 0; t = dict_link[t]) {
            int32_t key = term[t];
            if (consider(self, text, kind, data, size, i + 1 - self->key_len[key], i + 1, key, found) < 0)
                return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(scan_doc, "scan(text, in_title=None, confirmed=None, scores=None, taken=None, /)\n--\n\n"
                       "The kept hits in text, in text order: (start, end, pattern index) tuples, or\n"
                       "hit(payloads[pattern index], start, end) when the scanner was given hit and payloads.\n"
                       "With a scanner given a tally, also extract._tally over the kept hits into confirmed (a set)\n"
                       "and scores (a dict), in_title saying which weight a topic phrase adds, and the actor-lane\n"
                       "hits' (start, end) appended to taken when it is a list.");

static PyObject *scanner_scan(Scanner *self, PyObject *const *args, Py_ssize_t nargs) {
    if ((nargs != 1 && nargs != 5) || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "scan(text: str) or scan(text, in_title, confirmed: set, scores: dict, taken)");
        return NULL;
    }
    PyObject *text = args[0];
    Tally tally = {0, NULL, NULL, NULL}, *tallying = NULL;
    if (nargs == 5) {
        if (!self->tally_ids || !PySet_Check(args[2]) || !PyDict_Check(args[3]) || (args[4] != Py_None && !PyList_Check(args[4]))) {
            PyErr_SetString(PyExc_TypeError, "scan(text, in_title, confirmed, scores, taken): a scanner given a tally, "
                                             "a set, a dict, and a list or None");
            return NULL;
        }
        if ((tally.in_title = PyObject_IsTrue(args[1])) < 0)
            return NULL;
        tally.confirmed = args[2];
        tally.scores = args[3];
        tally.taken = args[4] == Py_None ? NULL : args[4];
        tallying = &tally;
    }
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    PyObject *folded = NULL; /* matcher._fold(text), for a text with a capital sigma only */
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND) {
        Py_ssize_t sigma = PyUnicode_FindChar(text, CAPITAL_SIGMA, 0, size, 1);
        if (sigma == -2)
            return NULL;
        if (sigma >= 0) {
            folded = PyObject_CallOneArg(self->fold, text);
            if (!folded)
                return NULL;
            if (!PyUnicode_Check(folded) || PyUnicode_GET_LENGTH(folded) != size) {
                Py_DECREF(folded);
                PyErr_SetString(PyExc_ValueError, "fold(text) must return a str as long as text");
                return NULL;
            }
        }
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Candidates found = {NULL, 0, 0};
    int failed;
    /* one copy of the loop per storage kind, so PyUnicode_READ is a plain array read in each */
    if (folded)
        failed = scan_text(self, text, kind, data, PyUnicode_KIND(folded), PyUnicode_DATA(folded), size, 1, &found);
    else if (kind == PyUnicode_1BYTE_KIND)
        failed = scan_text(self, text, PyUnicode_1BYTE_KIND, data, PyUnicode_1BYTE_KIND, data, size, 0, &found);
    else if (kind == PyUnicode_2BYTE_KIND)
        failed = scan_text(self, text, PyUnicode_2BYTE_KIND, data, PyUnicode_2BYTE_KIND, data, size, 0, &found);
    else
        failed = scan_text(self, text, PyUnicode_4BYTE_KIND, data, PyUnicode_4BYTE_KIND, data, size, 0, &found);
    if (failed) {
        PyMem_Free(found.items);
        Py_XDECREF(folded);
        return NULL;
    }
    Py_XDECREF(folded);
    PyObject *hits = select_hits(self, &found, tallying);
    PyMem_Free(found.items);
    return hits;
}

static int scanner_traverse(Scanner *self, visitproc visit, void *arg) {
    Py_VISIT(self->guard);
    Py_VISIT(self->fold);
    Py_VISIT(self->hit);
    Py_VISIT(self->payloads);
    Py_VISIT(self->tally_ids);
    return 0;
}

static int scanner_clear(Scanner *self) {
    Py_CLEAR(self->guard);
    Py_CLEAR(self->fold);
    Py_CLEAR(self->hit);
    Py_CLEAR(self->payloads);
    Py_CLEAR(self->tally_ids);
    return 0;
}

static void scanner_dealloc(Scanner *self) {
    PyObject_GC_UnTrack(self);
    scanner_clear(self);
    scanner_free_arrays(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *scanner_states(Scanner *self, void *closure) {
    return PyLong_FromLong(self->n_states);
}

static PyMethodDef scanner_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scanner_scan, METH_FASTCALL, scan_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef scanner_getset[] = {
    {"states", (getter)scanner_states, NULL, "the automaton's number of states", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(scanner_doc, "Scanner(entries, guard, fold, *, hit=None, payloads=None)\n--\n\n"
                          "An Aho-Corasick automaton over code points. entries: one (key, surface, lane, guarded)\n"
                          "per pattern, in pattern-index order; key is the folded surface; surface is None for a\n"
                          "case-insensitive pattern; lane is 0 (actors) or 1 (topics). guard(text, start, end) is\n"
                          "called for a guarded pattern's candidate and drops it when true; fold(text) is\n"
                          "matcher._fold, called for a text with a capital sigma. hit and payloads (keywords,\n"
                          "together): scan() returns hit(payloads[index], start, end), hit being a named tuple\n"
                          "type (matcher.Hit) and payloads one item per entry (the patterns).");

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "ingest.extract._scan.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = scanner_doc,
    .tp_new = scanner_new,
    .tp_dealloc = (destructor)scanner_dealloc,
    .tp_traverse = (traverseproc)scanner_traverse,
    .tp_clear = (inquiry)scanner_clear,
    .tp_methods = scanner_methods,
    .tp_getset = scanner_getset,
};

/* ---------------------------------------------------------------- candidates.find_candidates
 *
 * The runs of capitalised words that candidates._RUN finds, and the rules find_candidates applies
 * to them, without a regex match, a word list or a slice per run in Python. The regex
 *     CAPITAL (?:[ \t]+ (?:LINK [ \t]+)* CAPITAL)+,   CAPITAL = [A-Z\u00c0-\u00d6\u00d8-\u00de\u0400-\u042f][\w'\-]*
 * is deterministic: a word ([\w'-], \w being str.isalnum or '_') always runs to its end, and
 * neither a blank nor a (lower-case) link word can start a CAPITAL, so backtracking only ever
 * drops a last, incomplete repetition. A run that fails from one capital fails from every later
 * capital of the same word (what follows the word is the same), so the search resumes after it.
 */

typedef struct {
    Py_ssize_t start, end;
    int link;
} Word;

typedef struct {
    Word *items;
    Py_ssize_t size, capacity;
} Words;

/* Latin-1's capitals as a table, A-Z and À-Þ but × (one read a code point where the ranges were four tests) */
static const uint8_t LATIN1_CAPITAL[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline int is_capital(Py_UCS4 c) {
    return c < 256 ? LATIN1_CAPITAL[c] : (c >= 0x400 && c <= 0x42F); /* and Cyrillic's, Ѐ-Я */
}

/* `while (i < size && test(code point at i)) i++;` over text stored as `kind`, one loop per storage kind:
 * PyUnicode_READ's switch on the kind at every code point was these loops' whole cost. */
#define ADVANCE_WHILE(test, kind, data, size, i)                                                                 \
    do {                                                                                                          \
        if ((kind) == PyUnicode_1BYTE_KIND) {                                                                     \
            const Py_UCS1 *text_ = (data);                                                                        \
            while ((i) < (size) && test(text_[i]))                                                                \
                (i)++;                                                                                            \
        } else if ((kind) == PyUnicode_2BYTE_KIND) {                                                              \
            const Py_UCS2 *text_ = (data);                                                                        \
            while ((i) < (size) && test(text_[i]))                                                                \
                (i)++;                                                                                            \
        } else {                                                                                                  \
            const Py_UCS4 *text_ = (data);                                                                        \
            while ((i) < (size) && test(text_[i]))                                                                \
                (i)++;                                                                                            \
        }                                                                                                         \
    } while (0)

static inline int is_not_capital(Py_UCS4 c) {
    return !is_capital(c);
}

/* The first capital at or after i, or size. */
static Py_ssize_t next_capital(int kind, const void *data, Py_ssize_t size, Py_ssize_t i) {
    ADVANCE_WHILE(is_not_capital, kind, data, size, i);
    return i;
}

static int is_word_char(Py_UCS4 c) {
    if (c < ASCII) /* most text: str.isalnum's ASCII letters and digits, without the Unicode database's call */
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '\'' || c == '-';
    return Py_UNICODE_ISALNUM(c);
}

static int is_blank(Py_UCS4 c) {
    return c == ' ' || c == '\t';
}

static Py_ssize_t word_end(int kind, const void *data, Py_ssize_t size, Py_ssize_t i) {
    ADVANCE_WHILE(is_word_char, kind, data, size, i);
    return i;
}

static Py_ssize_t skip_blanks(int kind, const void *data, Py_ssize_t size, Py_ssize_t i) {
    while (i < size && is_blank(PyUnicode_READ(kind, data, i)))
        i++;
    return i;
}

/* The length of the link word at i when a blank follows it, else 0. */
static Py_ssize_t link_at(PyObject *links, int kind, const void *data, Py_ssize_t size, Py_ssize_t i) {
    for (Py_ssize_t l = 0; l < PyTuple_GET_SIZE(links); l++) {
        PyObject *link = PyTuple_GET_ITEM(links, l);
        Py_ssize_t length = PyUnicode_GET_LENGTH(link), j = 0;
        if (i + length >= size || !is_blank(PyUnicode_READ(kind, data, i + length)))
            continue;
        while (j < length && PyUnicode_READ(kind, data, i + j) == PyUnicode_READ_CHAR(link, j))
            j++;
        if (j == length)
            return length;
    }
    return 0;
}

static int push_word(Words *words, Py_ssize_t start, Py_ssize_t end, int link) {
    Word *items = make_room(words->items, words->size, &words->capacity, sizeof(Word), 16);
    if (!items)
        return -1;
    words->items = items;
    words->items[words->size++] = (Word){start, end, link};
    return 0;
}

/* The run starting at the capital at `start` into `words`; its end, or -1 when there is none, or -2 on error. */
static Py_ssize_t read_run(PyObject *links, int kind, const void *data, Py_ssize_t size, Py_ssize_t start, Words *words) {
    Py_ssize_t end = -1, cur = word_end(kind, data, size, start + 1);
    words->size = 0;
    if (push_word(words, start, cur, 0) < 0)
        return -2;
    while (cur < size && is_blank(PyUnicode_READ(kind, data, cur))) {
        Py_ssize_t at = skip_blanks(kind, data, size, cur), tentative = words->size, length;
        while ((length = link_at(links, kind, data, size, at)) > 0) {
            if (push_word(words, at, at + length, 1) < 0)
                return -2;
            at = skip_blanks(kind, data, size, at + length);
        }
        if (at >= size || !is_capital(PyUnicode_READ(kind, data, at))) {
            words->size = tentative; /* the incomplete repetition is not part of the run */
            break;
        }
        cur = word_end(kind, data, size, at + 1);
        if (push_word(words, at, cur, 0) < 0)
            return -2;
        end = cur;
    }
    return end;
}

/* Whether the word is in skip_first (links always are); -1 on error. */
static int skipped(PyObject *text, PyObject *skip_first, const Word *word) {
    if (word->link)
        return 1;
    PyObject *string = PyUnicode_Substring(text, word->start, word->end);
    if (!string)
        return -1;
    int found = PySet_Contains(skip_first, string);
    Py_DECREF(string);
    return found;
}

typedef struct {
    PyObject *text, *skip_first, *names;
    Py_ssize_t max_words, n_taken;
    Py_ssize_t *taken_starts, *taken_ends;
} Naming;

/* find_candidates' loop body for one part of a run, words [a, b): trim, count, overlap, append. */
static int name_part(Naming *job, const Word *words, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t first = a, last = b, count = 0;
    for (int skip; first < last; first++) {
        if ((skip = skipped(job->text, job->skip_first, &words[first])) < 0)
            return -1;
        if (!skip)
            break;
    }
    while (first < last && words[last - 1].link)
        last--;
    for (Py_ssize_t i = first; i < last; i++)
        count += !words[i].link;
    if (count < 2 || count > job->max_words)
        return 0;
    Py_ssize_t start = words[first].start, end = words[last - 1].end, lo = 0, hi = job->n_taken;
    while (lo < hi) { /* bisect_right(ends, start) */
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (start < job->taken_ends[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo < job->n_taken && job->taken_starts[lo] < end)
        return 0; /* overlaps a known name */
    PyObject *name = PyUnicode_Substring(job->text, start, end);
    if (!name)
        return -1;
    int failed = PyList_Append(job->names, name);
    Py_DECREF(name);
    return failed;
}

/* One run: whole, or split at its link words when it has more than max_words others (candidates._split). */
static int name_run(Naming *job, const Words *words) {
    Py_ssize_t others = 0;
    for (Py_ssize_t i = 0; i < words->size; i++)
        others += !words->items[i].link;
    if (others <= job->max_words)
        return name_part(job, words->items, 0, words->size);
    for (Py_ssize_t a = 0, b; a < words->size; a = b) {
        while (a < words->size && words->items[a].link)
            a++;
        for (b = a; b < words->size && !words->items[b].link; b++)
            ;
        if (b > a && name_part(job, words->items, a, b) < 0)
            return -1;
    }
    return 0;
}

PyDoc_STRVAR(candidates_doc, "candidates(text, taken, links, skip_first, max_words, /)\n--\n\n"
                             "candidates.find_candidates: the names in text, given the (start, end) spans of the\n"
                             "actor-lane hits in text order (taken), the link words (a tuple), the words a name\n"
                             "does not start with (a set) and the most words of a name.");

static PyObject *find_candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyUnicode_Check(args[0]) || !PyTuple_Check(args[2]) || !PyAnySet_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "candidates(text: str, taken, links: tuple, skip_first: set, max_words: int)");
        return NULL;
    }
    PyObject *links = args[2];
    for (Py_ssize_t l = 0; l < PyTuple_GET_SIZE(links); l++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(links, l)) || PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(links, l)) == 0) {
            PyErr_SetString(PyExc_TypeError, "links must be non-empty str");
            return NULL;
        }
    Naming job = {args[0], args[3], NULL, PyLong_AsSsize_t(args[4]), 0, NULL, NULL};
    if (job.max_words == -1 && PyErr_Occurred())
        return NULL;
    PyObject *taken = PySequence_Fast(args[1], "taken must be a sequence of (start, end)");
    if (!taken)
        return NULL;
    job.n_taken = PySequence_Fast_GET_SIZE(taken);
    job.taken_starts = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(job.n_taken ? job.n_taken : 1));
    job.taken_ends = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(job.n_taken ? job.n_taken : 1));
    Words words = {NULL, 0, 0};
    if (!job.taken_starts || !job.taken_ends) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < job.n_taken; i++) {
        PyObject *span = PySequence_Fast_GET_ITEM(taken, i);
        if (!PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 2) {
            PyErr_SetString(PyExc_TypeError, "taken must be a sequence of (start, end)");
            goto done;
        }
        job.taken_starts[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
        job.taken_ends[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
        if (PyErr_Occurred())
            goto done;
    }
    if (!(job.names = PyList_New(0)))
        goto done;
    int kind = PyUnicode_KIND(job.text);
    const void *data = PyUnicode_DATA(job.text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(job.text);
    for (Py_ssize_t i = next_capital(kind, data, size, 0); i < size; i = next_capital(kind, data, size, i)) {
        Py_ssize_t end = read_run(links, kind, data, size, i, &words);
        if (end == -2 || (end >= 0 && name_run(&job, &words) < 0)) {
            Py_CLEAR(job.names);
            goto done;
        }
        i = end >= 0 ? end : words.items[0].end; /* no run from this word: none from its later capitals */
    }
done:
    PyMem_Free(words.items);
    PyMem_Free(job.taken_starts);
    PyMem_Free(job.taken_ends);
    Py_DECREF(taken);
    return job.names;
}

/* ---------------------------------------------------------------- extract's mentions
 *
 * `ingest.extract.extract` turns the kept hits of a field into `Mention`s: per hit, the pattern's
 * kind, entity id and surface, its offsets and a salience (1.0 in the title; in the body
 * round(1.0 - 0.5 * start / size, 3)). As a list comprehension that was a fifth of extraction's
 * time, of which round() alone (dtoa to a decimal string and back, through printf) a quarter.
 *
 * The salience here is Python's round(x, 3) exactly: x is computed by the same three IEEE double
 * operations in the same order (the build is ISO C, no FMA contraction), then k = x * 1000 is rounded
 * to the nearest integer and divided by 1000, a correctly rounded division, so the double nearest
 * to the decimal k/1000, which is what round() returns. The multiplication may err by an ulp, which
 * can only change the nearest integer where k is within that of a half: there (|frac - 0.5| < 1e-7,
 * or x outside [0, 1e12]) round() itself is called.
 */

static PyObject *KIND, *ENTITY_ID, *SURFACE; /* interned attribute names of a Pattern */
static PyObject *ROUND;                      /* "__round__" */

/* round(1.0 - 0.5 * start / size, 3) as a new float; NULL with an exception set on error. */
static PyObject *body_salience(Py_ssize_t start, Py_ssize_t size) {
    double x = 1.0 - 0.5 * (double)start / (double)size;
    double k = x * 1000.0;
    if (k >= 0.0 && k <= 1e15) {
        double whole = (double)(long long)k, frac = k - whole;
        if (frac < 0.5 - 1e-7 || frac > 0.5 + 1e-7)
            return PyFloat_FromDouble((whole + (frac > 0.5)) / 1000.0);
    }
    PyObject *value = PyFloat_FromDouble(x), *digits = value ? PyLong_FromLong(3) : NULL;
    PyObject *rounded = digits ? PyObject_CallMethodObjArgs(value, ROUND, digits, NULL) : NULL; /* float.__round__ */
    Py_XDECREF(value);
    Py_XDECREF(digits);
    return rounded;
}

/* mention(article_id, kind, entity_id, field, start, end, surface, salience), made as tuple.__new__ would. */
static PyObject *make_mention(PyTypeObject *mention, PyObject *const items[8]) {
    PyObject *made = mention->tp_alloc(mention, 8);
    if (!made)
        return NULL;
    for (int i = 0; i < 8; i++)
        PyTuple_SET_ITEM(made, i, Py_NewRef(items[i]));
#if PY_VERSION_HEX >= 0x030E0000
    ((PyTupleObject *)made)->ob_hash = -1; /* as in make_hit */
#endif
    return made;
}

/* Appends the mention of one hit to `out` when its entity is kept: 0, or -1 with an exception set. */
static int mention_of(PyObject *hit, PyObject *kept, PyObject *article_id, PyObject *field, Py_ssize_t size,
                      PyObject *one, PyTypeObject *mention, PyObject *out) {
    if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 3) {
        PyErr_SetString(PyExc_TypeError, "mentions: each hit must be a (pattern, start, end) tuple");
        return -1;
    }
    PyObject *pattern = PyTuple_GET_ITEM(hit, 0), *start = PyTuple_GET_ITEM(hit, 1), *end = PyTuple_GET_ITEM(hit, 2);
    /* entity_id, then kind: the order `_mentions_python` reads them in, so a pattern that fails fails the same */
    PyObject *entity = PyObject_GetAttr(pattern, ENTITY_ID), *kind = entity ? PyObject_GetAttr(pattern, KIND) : NULL;
    PyObject *surface = NULL, *salience = NULL, *made = NULL;
    int status = -1;
    if (!kind)
        goto done;
    /* held, not borrowed: `in` runs the entity's __hash__ and __eq__, which can change kept and free its ids */
    PyObject *ids = Py_XNewRef(PyDict_GetItemWithError(kept, kind));
    int keep = ids ? PySequence_Contains(ids, entity) : (PyErr_Occurred() ? -1 : 0);
    Py_XDECREF(ids);
    if (keep <= 0) {
        status = keep;
        goto done;
    }
    surface = PyObject_GetAttr(pattern, SURFACE);
    if (!surface)
        goto done;
    if (size) {
        Py_ssize_t at = PyLong_AsSsize_t(start);
        if (at == -1 && PyErr_Occurred())
            goto done;
        salience = body_salience(at, size);
    } else {
        salience = Py_NewRef(one);
    }
    if (!salience)
        goto done;
    PyObject *items[8] = {article_id, kind, entity, field, start, end, surface, salience};
    made = make_mention(mention, items);
    status = made ? PyList_Append(out, made) : -1;
done:
    Py_XDECREF(kind);
    Py_XDECREF(entity);
    Py_XDECREF(surface);
    Py_XDECREF(salience);
    Py_XDECREF(made);
    return status;
}

PyDoc_STRVAR(mentions_doc, "mentions(hits, kept, article_id, field, size, mention, /)\n--\n\n"
                           "extract's mentions of one field: for each hit (pattern, start, end) whose pattern's\n"
                           "entity_id is in kept[pattern.kind], mention(article_id, kind, entity_id, field, start,\n"
                           "end, surface, salience), in order; salience 1.0 where size is 0 (the title), else\n"
                           "round(1.0 - 0.5 * start / size, 3). mention is a named tuple type of eight fields.");

static PyObject *make_mentions(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "mentions(hits, kept, article_id, field, size, mention) takes six arguments");
        return NULL;
    }
    PyObject *hits = args[0], *kept = args[1], *article_id = args[2], *field = args[3], *mention = args[5];
    Py_ssize_t size = PyLong_AsSsize_t(args[4]);
    if (size == -1 && PyErr_Occurred())
        return NULL;
    if (!PyList_Check(hits) || !PyDict_Check(kept) || size < 0 || !is_hit_type(mention)) {
        PyErr_SetString(PyExc_TypeError, "mentions: hits must be a list, kept a dict, size >= 0 and mention a named tuple type");
        return NULL;
    }
    PyObject *out = PyList_New(0), *one = out ? PyFloat_FromDouble(1.0) : NULL;
    for (Py_ssize_t i = 0; one && i < PyList_GET_SIZE(hits); i++) {
        PyObject *hit = Py_NewRef(PyList_GET_ITEM(hits, i)); /* a guard or __eq__ could change the list */
        int status = mention_of(hit, kept, article_id, field, size, one, (PyTypeObject *)mention, out);
        Py_DECREF(hit);
        if (status < 0)
            Py_CLEAR(out);
        if (!out)
            break;
    }
    Py_XDECREF(one);
    if (!one)
        Py_CLEAR(out);
    return out;
}

/* ---------------------------------------------------------------- py3langid's DFA walk
 *
 * What `ingest.language` needs of py3langid's `LanguageIdentifier._raw_score` in C, where the
 * Python costs most: the walk `py3langid.langid.visit_counts(nm, rowbase, out, text)`, one loop
 * turn per byte (up to 1,600 for the 400 characters language.py reads) and a Counter, and the
 * float16 rows of the features met (`nb_ptc[idx]`), which numpy converts to float32 element by
 * element before its float32 matmul. The matmul, the softmax and the choice stay py3langid's.
 *
 *     state = nm[rowbase[state] + byte]; out[state] >= 0 is the feature met there
 *
 * The features come in the order they are first met, as Counter(indexes) has them: the matmul
 * sums in that order, so the order is part of "identical probabilities". The conversion is
 * numpy's own (npy_halfbits_to_floatbits), in integers, exact for every half including NaN
 * payloads; eight at a time with SSE2 where the eight are normal numbers (one by one, it cost
 * more than the walk).
 *
 * The walk is memory bound: every byte is a random read into nm, 9.8 M entries of 4 bytes (39 MB)
 * for the wheel's model, its 38,346 distinct rows of 256, a cache miss and, with 4 KB pages, a TLB
 * miss, and each read waits for the one before (see compact_walk). Its 104,583 states do not
 * fit 16 bits, but the targets of one byte do: the moves on one byte reach at most 11,012 distinct
 * states (a state is entered only on the last byte of its string: all but the start on one byte,
 * the start on 62). So the walk here numbers states per byte ("compact" states: the targets of
 * byte b are first[b] + 0, 1, ...; the start state is compact 0; a state reached by several bytes
 * gets a number for each, 104,645 in all for the wheel's model, 62 more than py3langid's), and
 * keeps its own copy of nm in 16 bits, each move the target's number among its byte's targets:
 *
 *     state = first[byte] + table[states[state].at + byte]; states[state].feature is the feature
 *
 * The table is half of nm (19.6 MB), allocated 2 MB-aligned and advised for transparent huge
 * pages (MADV_HUGEPAGE, where there is one: AnonHugePages 20480 kB for it on Linux with THP in
 * "madvise" mode), so a move is at most a cache miss, not a TLB miss too; a state's row and
 * feature are one 8-byte read (840 KB). That alone made features() 0.91x the time on the
 * generated articles, 0.81x on the eval set's non-English ones; walking stretches side by side
 * (compact_walk) did more. None of this is about languages, only a renumbering: it is built from
 * any DFA whose rows start at multiples of 256 and whose bytes each have at most 65,535 targets,
 * and checked; any other DFA takes the "wide" walk, which reads nm in place through the buffer
 * protocol (the object holds the buffer, which also keeps the array from being resized). The
 * compact walk does not hold nm: ingest.language then lets py3langid's copy go (39 MB a process).
 * Every entry of the three tables is checked here, so neither walk reads out of bounds.
 */

#define LANGID_HUGE_PAGE ((size_t)2 << 20)

typedef struct {
    uint32_t at;     /* its row: the offset in the table (or nm) of its move on byte 0 */
    int32_t feature; /* the feature met on entering it, or -1 */
} LangidState;

typedef struct {
    PyObject_HEAD
    int32_t n_states;      /* py3langid's */
    int32_t n_features;
    LangidState *states;   /* compact: per compact state; wide: per py3langid state */
    size_t n_walked;       /* the entries of states */
    uint16_t *table;       /* compact: the moves as numbers among their byte's targets; NULL: the wide walk */
    size_t table_bytes;    /* its allocation, whole huge pages */
    uint32_t first[256];   /* compact: byte b's first target */
    Py_buffer moves;       /* wide: nm (2- or 4-byte unsigned next states), held; compact: released once copied */
    int wide;              /* moves.itemsize == 4 */
    uint32_t *seen;        /* per feature: its count in the walk under way; all zero between walks */
} LangidDFA;

/* Copies a sequence of ints in [lo, hi] into `into` (n entries, uint32 or int32); -1 with an exception otherwise. */
static int copy_ints(PyObject *items, const char *name, long long lo, long long hi, Py_ssize_t n, void *into, int is_unsigned) {
    for (Py_ssize_t i = 0; i < n; i++) {
        long long value = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(items, i));
        if (value == -1 && PyErr_Occurred())
            return -1;
        if (value < lo || value > hi) {
            PyErr_Format(PyExc_ValueError, "%s[%zd] = %lld is outside [%lld, %lld]", name, i, value, lo, hi);
            return -1;
        }
        if (is_unsigned)
            ((uint32_t *)into)[i] = (uint32_t)value;
        else
            ((int32_t *)into)[i] = (int32_t)value;
    }
    return 0;
}

/* The buffer's struct format without its native-order prefix. */
static const char *plain_format(const Py_buffer *view) {
    const char *format = view->format ? view->format : "B";
    return *format == '@' || *format == '=' ? format + 1 : format;
}

static inline uint32_t langid_move(const LangidDFA *self, size_t at) {
    return self->wide ? ((const uint32_t *)self->moves.buf)[at] : ((const uint16_t *)self->moves.buf)[at];
}

/* The moves are unsigned, 2 or 4 bytes (array 'H' or 'I', as py3langid's modelio makes them), and each a state. */
static int check_moves(LangidDFA *self) {
    const char *format = plain_format(&self->moves);
    self->wide = self->moves.itemsize == 4;
    if (self->moves.ndim != 1 || (self->moves.itemsize == 2 && strcmp(format, "H") != 0) ||
        (self->moves.itemsize == 4 && strcmp(format, "I") != 0 && strcmp(format, "L") != 0) ||
        (self->moves.itemsize != 2 && self->moves.itemsize != 4)) {
        PyErr_Format(PyExc_TypeError, "nextmove must be a flat buffer of 2- or 4-byte unsigned ints, not %s of %zd bytes",
                     format, self->moves.itemsize);
        return -1;
    }
    Py_ssize_t n = self->moves.len / self->moves.itemsize;
    if (n < 256 || n - 256 > (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "nextmove must hold at least one row of 256 and at most 2**32 entries");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t next = langid_move(self, (size_t)i);
        if (next >= (uint32_t)self->n_states) {
            PyErr_Format(PyExc_ValueError, "nextmove[%zd] = %lu is not a state (there are %d)", i, (unsigned long)next,
                         self->n_states);
            return -1;
        }
    }
    return 0;
}

/* Memory for the compact table, 2 MB-aligned and advised for huge pages where the system has them
 * (transparent huge pages in "madvise" mode take only advised memory); whole huge pages, into *bytes. */
static uint16_t *langid_table_alloc(size_t *bytes) {
    size_t size = (*bytes + LANGID_HUGE_PAGE - 1) / LANGID_HUGE_PAGE * LANGID_HUGE_PAGE;
    void *table = NULL;
    if (posix_memalign(&table, LANGID_HUGE_PAGE, size) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(table, size, MADV_HUGEPAGE); /* before the first touch; refused, the walk is the same on 4 KB pages */
#endif
    *bytes = size;
    return table;
}

/* The compact table and states from nm and the copied rowbase and output: 1, or 0 where this DFA does not
 * fit (a row not at a multiple of 256, a byte with more than 65,535 targets), or -1 with an exception.
 * One pass over nm per byte (0.12 s for the wheel's model; passes of 16 bytes, a cache line of nm, were
 * no faster and their scratch stayed in the heap, 7 MB). */
static int langid_compact(LangidDFA *self, const uint32_t *rowbase, const int32_t *output) {
    size_t n = (size_t)self->n_states, rows = (size_t)(self->moves.len / self->moves.itemsize) / 256;
    for (size_t s = 0; s < n; s++)
        if (rowbase[s] % 256)
            return 0;
    uint16_t *number = PyMem_Malloc(sizeof(uint16_t) * n); /* per state: 1 + its number among byte b's targets, or 0 */
    size_t room = n + 256, walked = 1;
    LangidState *states = PyMem_Malloc(sizeof(LangidState) * room);
    self->table_bytes = sizeof(uint16_t) * rows * 256;
    self->table = langid_table_alloc(&self->table_bytes);
    int fits = 1;
    if (!number || !states || !self->table) {
        PyErr_NoMemory();
        fits = -1;
        goto done;
    }
    states[0] = (LangidState){rowbase[0], output[0]}; /* the start: py3langid's state 0 */
    for (unsigned b = 0; b < 256 && fits == 1; b++) {
        uint16_t targets = 0;
        memset(number, 0, sizeof(uint16_t) * n);
        for (size_t at = b; at < rows * 256; at += 256) {
            uint16_t *slot = number + langid_move(self, at);
            if (!*slot) {
                if (targets == UINT16_MAX) {
                    fits = 0;
                    goto done;
                }
                *slot = ++targets;
            }
            self->table[at] = *slot - 1;
        }
        if (walked + targets > room) {
            LangidState *more = PyMem_Realloc(states, sizeof(LangidState) * (room = walked + targets + n / 4));
            if (!more) {
                PyErr_NoMemory();
                fits = -1;
                goto done;
            }
            states = more;
        }
        self->first[b] = (uint32_t)walked;
        for (size_t t = 0; t < n; t++)
            if (number[t])
                states[walked + number[t] - 1u] = (LangidState){rowbase[t], output[t]};
        walked += targets;
    }
done:
    PyMem_Free(number);
    if (fits == 1) {
        self->states = states;
        self->n_walked = walked;
    } else {
        PyMem_Free(states);
        free(self->table);
        self->table = NULL;
        self->table_bytes = 0;
    }
    return fits;
}

static int langid_fill(LangidDFA *self, PyObject *nextmove, PyObject *rowbase_items, PyObject *output_items) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(rowbase_items);
    if (n == 0 || n != PySequence_Fast_GET_SIZE(output_items) || n > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "rowbase and output must have one entry per state, and there must be states");
        return -1;
    }
    self->n_states = (int32_t)n;
    if (PyObject_GetBuffer(nextmove, &self->moves, PyBUF_FORMAT | PyBUF_ND) < 0 || check_moves(self) < 0)
        return -1;
    uint32_t *rowbase = PyMem_Malloc(sizeof(uint32_t) * (size_t)n);
    int32_t *output = PyMem_Malloc(sizeof(int32_t) * (size_t)n);
    int result = -1;
    if (!rowbase || !output) {
        PyErr_NoMemory();
        goto done;
    }
    if (copy_ints(rowbase_items, "rowbase", 0, self->moves.len / self->moves.itemsize - 256, n, rowbase, 1) < 0 ||
        copy_ints(output_items, "output", -1, INT32_MAX - 1, n, output, 0) < 0)
        goto done;
    for (Py_ssize_t s = 0; s < n; s++)
        if (output[s] >= self->n_features)
            self->n_features = output[s] + 1;
    self->seen = PyMem_Calloc((size_t)(self->n_features ? self->n_features : 1), sizeof(uint32_t));
    if (!self->seen) {
        PyErr_NoMemory();
        goto done;
    }
    int compact = langid_compact(self, rowbase, output);
    if (compact < 0)
        goto done;
    if (compact) {
        PyBuffer_Release(&self->moves); /* copied: nm is not read again */
    } else {
        if (!(self->states = PyMem_Malloc(sizeof(LangidState) * (size_t)n))) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t s = 0; s < n; s++)
            self->states[s] = (LangidState){rowbase[s], output[s]};
        self->n_walked = (size_t)n;
    }
    result = 0;
done:
    PyMem_Free(rowbase);
    PyMem_Free(output);
    return result;
}

static PyObject *langid_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"nextmove", "rowbase", "output", NULL};
    PyObject *nextmove, *rowbase_arg, *output_arg;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO:LangidDFA", names, &nextmove, &rowbase_arg, &output_arg))
        return NULL;
    PyObject *rowbase = PySequence_Fast(rowbase_arg, "rowbase must be a sequence of ints");
    PyObject *output = rowbase ? PySequence_Fast(output_arg, "output must be a sequence of ints") : NULL;
    LangidDFA *self = output ? (LangidDFA *)type->tp_alloc(type, 0) : NULL;
    if (self && langid_fill(self, nextmove, rowbase, output) < 0)
        Py_CLEAR(self); /* dealloc releases what was taken */
    Py_XDECREF(rowbase);
    Py_XDECREF(output);
    return (PyObject *)self;
}

static void langid_dealloc(LangidDFA *self) {
    if (self->moves.obj)
        PyBuffer_Release(&self->moves);
    free(self->table);
    PyMem_Free(self->states);
    PyMem_Free(self->seen);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Counts the feature met on entering a state; the first meeting goes into order. */
static inline void langid_meet(int32_t feature, uint32_t *seen, int32_t *order, Py_ssize_t *distinct) {
    if (feature >= 0 && seen[feature]++ == 0)
        order[(*distinct)++] = feature;
}

enum {
    LANGID_CHAINS = 16,  /* at most this many stretches walked side by side */
    LANGID_STRETCH = 16, /* bytes a stretch has at least */
    LANGID_WARM = 8,     /* bytes before its stretch where its walk starts: py3langid's states are at most 6 deep */
};

static inline uint32_t compact_move(const LangidDFA *self, uint32_t state, unsigned char byte) {
    return self->first[byte] + self->table[self->states[state].at + byte];
}

/* The compact walk over bytes[from, to) from `state`, the feature met at each byte into met[]; the last state. */
static uint32_t compact_run(const LangidDFA *self, uint32_t state, const unsigned char *bytes, Py_ssize_t from,
                            Py_ssize_t to, int32_t *met) {
    for (Py_ssize_t i = from; i < to; i++) {
        state = compact_move(self, state, bytes[i]);
        met[i] = self->states[state].feature;
    }
    return state;
}

/* The compact walk over bytes[0 .. size), the feature met at each byte into met[]. Each move waits for the one
 * before (two dependent reads: the state's row, then the move), so a single walk waits on memory at every byte
 * (~36 ns a byte on the generated articles). So the text is cut into up to LANGID_CHAINS stretches walked side by
 * side, whose reads overlap; each stretch but the first is walked from the start state LANGID_WARM bytes before it
 * begins. A state of py3langid's automaton stands for the last bytes read (6 at most), so by the stretch's first
 * byte that walk is where a walk over the whole text would be. It is checked, whatever the DFA: where the state a
 * stretch's walk had on the eve of its first byte is not the one the stretch before ended in, the stretch is walked
 * again from that one. The features are counted afterwards in text order (langid_walk), so nothing but the time
 * differs from one walk. features() over the generated articles: 0.58x the time of one walk (at most 4 stretches
 * of 64 bytes: 0.70x, 8 of 32: 0.64x), the same cut to 200 characters 0.58x, the eval set's non-English 0.52x. */
static void compact_walk(const LangidDFA *self, const unsigned char *bytes, Py_ssize_t size, int32_t *met) {
    int chains = size / LANGID_STRETCH < LANGID_CHAINS ? (int)(size / LANGID_STRETCH) : LANGID_CHAINS;
    if (chains < 2) {
        compact_run(self, 0, bytes, 0, size, met);
        return;
    }
    Py_ssize_t stretch = (size + chains - 1) / chains; /* >= LANGID_STRETCH > LANGID_WARM: no walk starts before byte 0 */
    uint32_t state[LANGID_CHAINS] = {0}, guess[LANGID_CHAINS] = {0};
    for (Py_ssize_t i = stretch - LANGID_WARM; i < stretch; i++)
        for (int c = 1; c < chains; c++)
            guess[c] = state[c] = compact_move(self, state[c], bytes[(c - 1) * stretch + i]);
    for (Py_ssize_t j = 0; j < stretch; j++)
        for (int c = 0; c < chains; c++) {
            Py_ssize_t i = c * stretch + j;
            if (i < size) { /* the last stretch can be shorter */
                state[c] = compact_move(self, state[c], bytes[i]);
                met[i] = self->states[state[c]].feature;
            }
        }
    for (int c = 1; c < chains; c++)
        if (guess[c] != state[c - 1]) {
            Py_ssize_t to = (c + 1) * stretch < size ? (c + 1) * stretch : size;
            state[c] = compact_run(self, state[c - 1], bytes, c * stretch, to, met);
        }
}

/* The walk over text: the features met into order[0 .. return value), first met first, and their counts
 * into count[]; met[] is scratch of size entries. Nothing here calls Python, so no other walk can start while
 * `seen` is in use. */
static Py_ssize_t langid_walk(LangidDFA *self, const unsigned char *bytes, Py_ssize_t size, int32_t *order, uint32_t *count,
                              int32_t *met) {
    const LangidState *states = self->states;
    uint32_t *seen = self->seen, state = 0;
    Py_ssize_t distinct = 0;
    if (self->table) {
        compact_walk(self, bytes, size, met);
        for (Py_ssize_t i = 0; i < size; i++)
            langid_meet(met[i], seen, order, &distinct);
    } else {
        for (Py_ssize_t i = 0; i < size; i++) {
            state = langid_move(self, (size_t)states[state].at + bytes[i]);
            langid_meet(states[state].feature, seen, order, &distinct);
        }
    }
    for (Py_ssize_t k = 0; k < distinct; k++) {
        count[k] = seen[order[k]];
        seen[order[k]] = 0;
    }
    return distinct;
}

/* A walk over the bytes-like text, with its scratch arrays; -1 with an exception set on error (nothing to free). */
typedef struct {
    int32_t *order;
    uint32_t *count;
    Py_ssize_t distinct;
} Visit;

static int langid_visit(LangidDFA *self, PyObject *text, Visit *visit) {
    Py_buffer view;
    if (PyObject_GetBuffer(text, &view, PyBUF_SIMPLE) < 0)
        return -1;
    if (view.len > INT32_MAX) { /* the counts are 32-bit */
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_OverflowError, "text longer than 2**31 - 1 bytes");
        return -1;
    }
    size_t room = (size_t)(view.len < self->n_features ? view.len : self->n_features) + 1;
    visit->order = PyMem_Malloc(room * (sizeof(int32_t) + sizeof(uint32_t)) + sizeof(int32_t) * (size_t)view.len);
    if (!visit->order) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return -1;
    }
    visit->count = (uint32_t *)(visit->order + room);
    visit->distinct = langid_walk(self, view.buf, view.len, visit->order, visit->count, (int32_t *)(visit->count + room));
    PyBuffer_Release(&view);
    return 0;
}

PyDoc_STRVAR(langid_counts_doc, "counts(text, /)\n--\n\n"
                                "visit_counts over the bytes text: {feature: count}, in the order the features are\n"
                                "first met (empty where visit_counts returns None).");

static PyObject *langid_counts(LangidDFA *self, PyObject *text) {
    Visit visit;
    if (langid_visit(self, text, &visit) < 0)
        return NULL;
    PyObject *counts = PyDict_New();
    for (Py_ssize_t k = 0; counts && k < visit.distinct; k++) {
        PyObject *feature = PyLong_FromLong(visit.order[k]), *n = PyLong_FromUnsignedLong(visit.count[k]);
        if (!feature || !n || PyDict_SetItem(counts, feature, n) < 0)
            Py_CLEAR(counts);
        Py_XDECREF(feature);
        Py_XDECREF(n);
    }
    PyMem_Free(visit.order);
    return counts;
}

/* numpy's npy_halfbits_to_floatbits: the float32 bits of an IEEE half (exact; NaN payloads kept). */
static inline uint32_t half_to_float_bits(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = h & 0x7c00u, sig = h & 0x3ffu;
    if (exp == 0x7c00u)
        return sign + 0x7f800000u + (sig << 13);
    if (exp)
        return sign + (((uint32_t)(h & 0x7fffu) + 0x1c000u) << 13);
    if (!sig)
        return sign;
    uint32_t shift = 0;
    for (sig <<= 1; !(sig & 0x400u); sig <<= 1)
        shift++;
    return sign + ((127u - 15u - shift) << 23) + ((sig & 0x3ffu) << 13);
}

#ifdef __SSE2__
/* Whether the eight halves are all normal numbers (the model's are), whose float32 bits are a shift and an add. */
static inline int halves_are_normal(__m128i h) {
    const __m128i zero = _mm_setzero_si128(), all_ones = _mm_set1_epi16(0x7c00);
    __m128i exp = _mm_and_si128(h, all_ones);
    return !_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi16(exp, zero), _mm_cmpeq_epi16(exp, all_ones)));
}

/* Eight halves at once, when all eight are normal numbers: 0, touching nothing, when one is not. */
static inline int normal_halves_to_floats(const uint16_t *half, uint32_t *out) {
    const __m128i zero = _mm_setzero_si128();
    __m128i h = _mm_loadu_si128((const __m128i *)half);
    if (!halves_are_normal(h))
        return 0;
    __m128i words[2] = {_mm_unpacklo_epi16(h, zero), _mm_unpackhi_epi16(h, zero)};
    for (int w = 0; w < 2; w++) {
        __m128i sign = _mm_slli_epi32(_mm_and_si128(words[w], _mm_set1_epi32(0x8000)), 16);
        __m128i rest = _mm_add_epi32(_mm_and_si128(words[w], _mm_set1_epi32(0x7fff)), _mm_set1_epi32(0x1c000));
        _mm_storeu_si128((__m128i *)(out + 4 * w), _mm_or_si128(sign, _mm_slli_epi32(rest, 13)));
    }
    return 1;
}
#endif

#ifdef LANGID_F16C
/* halves_to_floats with F16C's conversion (vcvtph2ps) of each eight that are normal numbers: exact, every half being
 * a float (it would quiet a signalling NaN, which numpy keeps: hence the same check as SSE2's), and the last eight
 * overlap the ones before where n is not a multiple of 8. features() over 2,000 generated articles: 1.9x fewer
 * instructions than with the SSE2 path (callgrind), 0.85x the time. */
__attribute__((target("avx,f16c"))) static void halves_to_floats_f16c(const uint16_t *half, uint32_t *out, Py_ssize_t n) {
    Py_ssize_t j = 0;
    for (; n >= 8 && j < n; j += 8) {
        if (j + 8 > n)
            j = n - 8; /* the same bits again for the ones converted already */
        __m128i h = _mm_loadu_si128((const __m128i *)(half + j));
        if (halves_are_normal(h))
            _mm256_storeu_ps((float *)(out + j), _mm256_cvtph_ps(h));
        else
            for (int i = 0; i < 8; i++)
                out[j + i] = half_to_float_bits(half[j + i]);
    }
    for (; j < n; j++) /* n < 8 */
        out[j] = half_to_float_bits(half[j]);
}

static int has_f16c = -1; /* whether the CPU (and the OS, for AVX's registers) has F16C; -1: not asked yet */
#endif

/* n halves to float32 bits: with F16C where the CPU has it, else eight at a time where SSE2 is there, else (and for
 * the odd ones) one by one. */
static void halves_to_floats(const uint16_t *half, uint32_t *out, Py_ssize_t n) {
#ifdef LANGID_F16C
    if (has_f16c < 0)
        has_f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
    if (has_f16c) {
        halves_to_floats_f16c(half, out, n);
        return;
    }
#endif
    Py_ssize_t j = 0;
#ifdef __SSE2__
    for (; j + 8 <= n; j += 8)
        if (!normal_halves_to_floats(half + j, out + j))
            for (int i = 0; i < 8; i++)
                out[j + i] = half_to_float_bits(half[j + i]);
#endif
    for (; j < n; j++)
        out[j] = half_to_float_bits(half[j]);
}

PyDoc_STRVAR(langid_features_doc, "features(text, ptc, /)\n--\n\n"
                                  "The walk over the bytes text, for the score: (counts, rows), bytes of float32: the count\n"
                                  "of each feature met, first met first, and its row of ptc (a C-contiguous 2-D float16\n"
                                  "buffer with a row per feature) as float32, the rows one after the other.");

static PyObject *langid_features(LangidDFA *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "features(text, ptc) takes two arguments");
        return NULL;
    }
    Py_buffer ptc;
    if (PyObject_GetBuffer(args[1], &ptc, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    PyObject *counts = NULL, *rows = NULL, *result = NULL;
    Visit visit = {NULL, NULL, 0};
    if (ptc.ndim != 2 || ptc.itemsize != 2 || strcmp(plain_format(&ptc), "e") != 0 || ptc.shape[0] < self->n_features) {
        PyErr_Format(PyExc_TypeError, "ptc must be a 2-D float16 array with at least %d rows", self->n_features);
        goto done;
    }
    if (langid_visit(self, args[0], &visit) < 0)
        goto done;
    Py_ssize_t width = ptc.shape[1];
    counts = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizeof(float) * visit.distinct);
    rows = counts ? PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizeof(float) * visit.distinct * width) : NULL;
    if (!rows)
        goto done;
    float *count = (float *)PyBytes_AS_STRING(counts);
    uint32_t *row = (uint32_t *)PyBytes_AS_STRING(rows);
    for (Py_ssize_t k = 0; k < visit.distinct; k++, row += width) {
        const uint16_t *half = (const uint16_t *)ptc.buf + (size_t)visit.order[k] * (size_t)width;
        count[k] = (float)visit.count[k];
        halves_to_floats(half, row, width);
    }
    result = PyTuple_Pack(2, counts, rows);
done:
    Py_XDECREF(counts);
    Py_XDECREF(rows);
    PyMem_Free(visit.order);
    PyBuffer_Release(&ptc);
    return result;
}

static PyObject *langid_states(LangidDFA *self, void *closure) {
    return PyLong_FromLong(self->n_states);
}

static PyObject *langid_nbytes(LangidDFA *self, void *closure) {
    return PyLong_FromSize_t(self->table_bytes + sizeof(LangidState) * self->n_walked +
                             sizeof(uint32_t) * (size_t)(self->n_features ? self->n_features : 1));
}

static PyObject *langid_compact_get(LangidDFA *self, void *closure) {
    return PyBool_FromLong(self->table != NULL);
}

static PyMethodDef langid_methods[] = {
    {"counts", (PyCFunction)langid_counts, METH_O, langid_counts_doc},
    {"features", (PyCFunction)(void (*)(void))langid_features, METH_FASTCALL, langid_features_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef langid_getset[] = {
    {"states", (getter)langid_states, NULL, "the DFA's number of states", NULL},
    {"nbytes", (getter)langid_nbytes, NULL, "the bytes this object allocated (the compact table included)", NULL},
    {"compact", (getter)langid_compact_get, NULL,
     "whether the walk reads its own 16-bit table (nextmove copied and released), not nextmove in place", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(langid_doc, "LangidDFA(nextmove, rowbase, output)\n--\n\n"
                         "py3langid's byte DFA, from an identifier's tk_nextmove (a flat buffer of 2- or 4-byte\n"
                         "unsigned ints: copied into a 16-bit table where the DFA fits one, else held and read in\n"
                         "place), _rowbase and tk_output (copied and checked).");

static PyTypeObject LangidDFAType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "ingest.extract._scan.LangidDFA",
    .tp_basicsize = sizeof(LangidDFA),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = langid_doc,
    .tp_new = langid_new,
    .tp_dealloc = (destructor)langid_dealloc,
    .tp_methods = langid_methods,
    .tp_getset = langid_getset,
};

/* ---------------------------------------------------------------------------------------------------------------
 * Story shingles (`ingest.shingles`): the blake2b-64 of each distinct word shingle, and the band keys of a MinHash.
 *
 * Why: in Python a blake2b object per shingle (about 70 per article) and the string joining before it were about
 * a tenth of the workers' time. BLAKE2b here is RFC 7693's, unkeyed, digest 8 bytes: the same bytes as
 * `hashlib.blake2b(data, digest_size=8).digest()` (tests/unit/test_shingles_native.py holds them equal over
 * ASCII, non-ASCII and shingles longer than one 128-byte block), so the signatures stored are the same whichever
 * path made them. The Python in shingles.py is the reference and the fallback.
 */

static const uint64_t BLAKE2B_IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint8_t BLAKE2B_SIGMA[10][16] = { /* round r reads row r % 10 (RFC 7693, 3.2) */
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static inline uint64_t load64_le(const uint8_t *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

#define B2B_G(a, b, c, d, x, y)                                                                                       \
    do {                                                                                                              \
        v[a] = v[a] + v[b] + (x);                                                                                     \
        v[d] = rotr64(v[d] ^ v[a], 32);                                                                               \
        v[c] = v[c] + v[d];                                                                                           \
        v[b] = rotr64(v[b] ^ v[c], 24);                                                                               \
        v[a] = v[a] + v[b] + (y);                                                                                     \
        v[d] = rotr64(v[d] ^ v[a], 16);                                                                               \
        v[c] = v[c] + v[d];                                                                                           \
        v[b] = rotr64(v[b] ^ v[c], 63);                                                                               \
    } while (0)

/* one 128-byte block into the state h; `counted` is the bytes hashed so far, this block's included */
static void blake2b_compress(uint64_t h[8], const uint8_t block[128], uint64_t counted, int last) {
    uint64_t v[16], m[16];
    for (int i = 0; i < 16; i++)
        m[i] = load64_le(block + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = BLAKE2B_IV[i];
    }
    v[12] ^= counted; /* the counter's high word stays 0: no input here reaches 2**64 bytes */
    if (last)
        v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = BLAKE2B_SIGMA[r % 10];
        B2B_G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        B2B_G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        B2B_G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        B2B_G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        B2B_G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        B2B_G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        B2B_G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        B2B_G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++)
        h[i] ^= v[i] ^ v[i + 8];
}

/* blake2b(data, digest_size=8) read as a little-endian integer: the digest's 8 bytes are h[0]'s */
static uint64_t blake2b_64(const uint8_t *data, size_t size) {
    uint64_t h[8];
    uint8_t block[128];
    memcpy(h, BLAKE2B_IV, sizeof h);
    h[0] ^= 0x01010000ULL ^ 8; /* depth 1, fanout 1, no key, digest length 8 */
    uint64_t counted = 0;
    while (size > 128) { /* every full block but the last */
        counted += 128;
        blake2b_compress(h, data, counted, 0);
        data += 128;
        size -= 128;
    }
    memset(block, 0, sizeof block);
    if (size)
        memcpy(block, data, size);
    blake2b_compress(h, block, counted + size, 1);
    return h[0];
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

PyDoc_STRVAR(shingle_hashes_doc,
             "shingle_hashes(words, size, /)\n--\n\n"
             "The blake2b-64 of each distinct shingle of `size` consecutive words (UTF-8, joined by one space; all\n"
             "the words when there are fewer), as little-endian 8-byte values in ascending order: `shingles.py`'s\n"
             "`_shingle_hashes`, which gives them in its set's order. Two shingles with the same hash count once.");

static PyObject *shingle_hashes(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "shingle_hashes(words: list[str], size: int)");
        return NULL;
    }
    PyObject *words = args[0];
    Py_ssize_t size = PyLong_AsSsize_t(args[1]);
    if (size == -1 && PyErr_Occurred())
        return NULL;
    if (size < 1) {
        PyErr_SetString(PyExc_ValueError, "a shingle has at least one word");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(words);
    if (n == 0)
        return PyBytes_FromStringAndSize(NULL, 0);
    const char **utf8 = PyMem_Malloc(sizeof(char *) * (size_t)n);
    Py_ssize_t *lengths = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);
    Py_ssize_t count = n >= size ? n - size + 1 : 1;
    uint64_t *hashes = PyMem_Malloc(sizeof(uint64_t) * (size_t)count);
    uint8_t *joined = NULL;
    PyObject *out = NULL;
    if (!utf8 || !lengths || !hashes) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t longest = 0; /* the longest shingle's bytes, for one buffer */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "shingle_hashes: every word is a str");
            goto done;
        }
        utf8[i] = PyUnicode_AsUTF8AndSize(word, &lengths[i]);
        if (!utf8[i])
            goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t bytes = 0;
        for (Py_ssize_t j = i; j < i + size && j < n; j++)
            bytes += lengths[j] + 1;
        longest = bytes > longest ? bytes : longest;
    }
    joined = PyMem_Malloc((size_t)longest + 1);
    if (!joined) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        size_t at = 0;
        for (Py_ssize_t j = i; j < i + size && j < n; j++) {
            if (j > i)
                joined[at++] = ' ';
            memcpy(joined + at, utf8[j], (size_t)lengths[j]);
            at += (size_t)lengths[j];
        }
        hashes[i] = blake2b_64(joined, at);
    }
    qsort(hashes, (size_t)count, sizeof(uint64_t), compare_u64);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < count; i++)
        if (kept == 0 || hashes[i] != hashes[kept - 1])
            hashes[kept++] = hashes[i];
    out = PyBytes_FromStringAndSize(NULL, kept * 8);
    if (out) {
        uint8_t *to = (uint8_t *)PyBytes_AS_STRING(out);
        for (Py_ssize_t i = 0; i < kept; i++)
            for (int b = 0; b < 8; b++)
                to[8 * i + b] = (uint8_t)(hashes[i] >> (8 * b));
    }
done:
    PyMem_Free(utf8);
    PyMem_Free(lengths);
    PyMem_Free(hashes);
    PyMem_Free(joined);
    return out;
}

PyDoc_STRVAR(band_keys_doc, "band_keys(signature, bands, /)\n--\n\n"
                            "The LSH band keys of a MinHash (`signature`: its uint64 values' bytes, native order),\n"
                            "as `shingles.py`'s `_bands`: per band, blake2b-64 of the band's number (one byte) and\n"
                            "its bytes, read little-endian and shifted right by one (a DuckDB bigint).");

static PyObject *band_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    Py_buffer view;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "band_keys(signature: bytes, bands: int)");
        return NULL;
    }
    long bands = PyLong_AsLong(args[1]);
    if (bands == -1 && PyErr_Occurred())
        return NULL;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0)
        return NULL;
    PyObject *out = NULL;
    if (bands < 1 || bands > 256 || view.len % (8 * bands) != 0) {
        PyErr_SetString(PyExc_ValueError, "band_keys: the signature's bytes are not whole uint64 rows per band");
        goto done;
    }
    size_t step = (size_t)view.len / (size_t)bands;
    uint8_t *data = PyMem_Malloc(step + 1);
    if (!data) {
        PyErr_NoMemory();
        goto done;
    }
    out = PyList_New(bands);
    for (long band = 0; out && band < bands; band++) {
        data[0] = (uint8_t)band;
        memcpy(data + 1, (const uint8_t *)view.buf + (size_t)band * step, step);
        PyObject *key = PyLong_FromUnsignedLongLong(blake2b_64(data, step + 1) >> 1);
        if (!key) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, band, key);
    }
    PyMem_Free(data);
done:
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef scan_functions[] = {
    {"candidates", (PyCFunction)(void (*)(void))find_candidates, METH_FASTCALL, candidates_doc},
    {"mentions", (PyCFunction)(void (*)(void))make_mentions, METH_FASTCALL, mentions_doc},
    {"shingle_hashes", (PyCFunction)(void (*)(void))shingle_hashes, METH_FASTCALL, shingle_hashes_doc},
    {"band_keys", (PyCFunction)(void (*)(void))band_keys, METH_FASTCALL, band_keys_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_scan",
    .m_doc = "The matcher's Aho-Corasick scan, the candidate-name runs, py3langid's DFA walk and the story shingles' "
             "hashes in C (see _scan.c, matcher.py, candidates.py, ingest/language.py, ingest/shingles.py).",
    .m_size = -1,
    .m_methods = scan_functions,
};

PyMODINIT_FUNC PyInit__scan(void) {
    if (PyType_Ready(&ScannerType) < 0 || PyType_Ready(&LangidDFAType) < 0)
        return NULL;
    KIND = KIND ? KIND : PyUnicode_InternFromString("kind");
    ENTITY_ID = ENTITY_ID ? ENTITY_ID : PyUnicode_InternFromString("entity_id");
    SURFACE = SURFACE ? SURFACE : PyUnicode_InternFromString("surface");
    ROUND = ROUND ? ROUND : PyUnicode_InternFromString("__round__");
    if (!KIND || !ENTITY_ID || !SURFACE || !ROUND)
        return NULL;
    PyObject *module = PyModule_Create(&scan_module);
    if (!module)
        return NULL;
    /* what native.py asks for: a build older than the Python beside it is not used (2: Scanner's hit=;
     * 3: LangidDFA; 4: its compact table; 5: mentions; 6: the scan's tally; 7: shingle_hashes, band_keys) */
    if (PyModule_AddObjectRef(module, "Scanner", (PyObject *)&ScannerType) < 0 ||
        PyModule_AddObjectRef(module, "LangidDFA", (PyObject *)&LangidDFAType) < 0 ||
        PyModule_AddIntConstant(module, "API", 7) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
