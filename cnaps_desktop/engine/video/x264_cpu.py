"""Which CPU instructions x264 may use, so that the same frames always give the same bits.

x264 picks its hand-written assembly by the CPU. Its AVX-512 version of the macroblock-tree
propagation (``mbtree_propagate_list``, x264 core 165) works on 8 macroblocks at a time and, when
a row's width in macroblocks is not a multiple of 8 (96, 320 or 960 pixels wide, say), also
propagates the few entries past the end of the row, which hold whatever the heap held before.
The encoded bits then depend on leftover memory: two runs over the same frames differ (glibc's
``MALLOC_PERTURB_`` shows it at once), and a resumed video is not the file an uninterrupted run
writes. The AVX2 version stops at the row's end; on every size tried it gave the same bits run
after run, at the same speed, bitrate and quality as AVX-512 (960x540 at CRF 18: +0.1% bitrate,
-0.01 dB PSNR, inside the spread between two AVX-512 runs).

So on a CPU where x264 would use AVX-512 (F, CD, BW, DQ and VL, with the OS saving their
registers), x264's ``asm`` option lists the instructions it may use: those the CPU has, up to
AVX2. Elsewhere nothing changes. NumPy's own CPU detection says what the CPU has (it checks the
OS support as x264 does); without it, nothing changes either.
"""

from __future__ import annotations

import functools

#: NumPy's feature names -> x264's names for the same instructions (x264's ``asm`` option).
_X264_NAMES = {
    "SSE": "MMX2,SSE",  # every SSE CPU has the MMX extensions x264 calls MMX2
    "SSE2": "SSE2",
    "SSE3": "SSE3",
    "SSSE3": "SSSE3",
    "SSE41": "SSE4.1",
    "SSE42": "SSE4.2",
    "AVX": "AVX",
    "FMA3": "FMA3",
    "LZCNT": "LZCNT",
    "BMI": "BMI1",
    "BMI2": "BMI2",
    "AVX2": "AVX2",
}
#: The AVX-512 subsets x264 needs before it uses AVX-512 (NumPy's name for the group).
_X264_AVX512 = "AVX512_SKX"


@functools.cache
def x264_params() -> str | None:
    """The ``x264-params`` value that keeps x264 off AVX-512, or None where it would not use it."""
    features = _cpu_features()
    if not features.get(_X264_AVX512):
        return None
    names = [x264 for numpy_name, x264 in _X264_NAMES.items() if features.get(numpy_name)]
    return "asm=" + ",".join(names)


def _cpu_features() -> dict[str, bool]:
    """NumPy's runtime CPU detection (its module moved in NumPy 2); empty if it is not there."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        try:
            from numpy.core._multiarray_umath import __cpu_features__
        except ImportError:
            return {}
    return dict(__cpu_features__)
