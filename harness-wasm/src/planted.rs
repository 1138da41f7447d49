//! TEST ONLY: a known size growth for the size attribution's test (`collector build
//! --plant-size-growth`, which sets `HARNESS_SIZE_PLANT=1`): one large function and one 16 KiB
//! data blob, both reachable only when planted. In every real build [`PLANTED`] is false and this
//! module compiles to nothing.

/// Whether this build carries the planted growth.
pub const PLANTED: bool = matches!(
    crate::whole_number(option_env!("HARNESS_SIZE_PLANT")),
    Some(1)
);

/// The planted blob's length (pseudo-random bytes: they do not compress away).
pub const BLOB_BYTES: usize = 16 * 1024;

const fn blob() -> [u8; BLOB_BYTES] {
    let mut out = [0u8; BLOB_BYTES];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut i = 0;
    while i < BLOB_BYTES {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = x as u8;
        i += 1;
    }
    out
}

static BLOB: [u8; BLOB_BYTES] = blob();

macro_rules! arms {
    ($x:ident, $i:ident; $($n:literal => $k:literal, $r:literal;)*) => {
        match $i & 63 {
            $($n => $x = ($x.wrapping_mul($k) ^ ($x >> $r)).rotate_left($r + 1),)*
            _ => $x = $x.wrapping_add(1),
        }
    };
}

/// The planted function: a 64-arm switch of distinct arithmetic (no table can replace it), run
/// over the blob. Kept out of line and called from two places, so no optimizer inlines it.
#[inline(never)]
pub fn size_growth(seed: u64) -> u64 {
    let mut x = seed | 1;
    for (i, b) in BLOB.iter().enumerate().step_by(97) {
        let i = i as u64 ^ u64::from(*b) ^ x;
        arms!(x, i;
            0 => 0x9e3779b97f4a7c15, 3; 1 => 0xbf58476d1ce4e5b9, 5; 2 => 0x94d049bb133111eb, 7;
            3 => 0x2545f4914f6cdd1d, 11; 4 => 0xd6e8feb86659fd93, 13; 5 => 0xa0761d6478bd642f, 17;
            6 => 0xe7037ed1a0b428db, 19; 7 => 0x8ebc6af09c88c6e3, 23; 8 => 0x589965cc75374cc3, 29;
            9 => 0x1d8e4e27c47d124f, 31; 10 => 0xff51afd7ed558ccd, 2; 11 => 0xc4ceb9fe1a85ec53, 4;
            12 => 0x87c37b91114253d5, 6; 13 => 0x4cf5ad432745937f, 8; 14 => 0x52dce729da3ed, 10;
            15 => 0x38495ab5d3d1e0b3, 12; 16 => 0x7fb5d329728ea185, 14; 17 => 0x81dadef4bc2dd44d, 16;
            18 => 0xd35a2d97b2a2a8c1, 18; 19 => 0x3c79ac492ba7b653, 20; 20 => 0x1c69b3f74ac4ae35, 22;
            21 => 0x2127599bf4325c37, 24; 22 => 0x880355f21e6d1965, 26; 23 => 0x94d049bb133111ea, 28;
            24 => 0x6c8e9cf570932bd5, 30; 25 => 0x5851f42d4c957f2d, 1; 26 => 0x14057b7ef767814f, 3;
            27 => 0xda942042e4dd58b5, 5; 28 => 0x9fb21c651e98df25, 7; 29 => 0xc2b2ae3d27d4eb4f, 9;
            30 => 0x165667b19e3779f9, 11; 31 => 0x27d4eb2f165667c5, 13; 32 => 0xd6e8feb86659fd91, 15;
            33 => 0xa0761d6478bd642d, 17; 34 => 0xe7037ed1a0b428d9, 19; 35 => 0x8ebc6af09c88c6e1, 21;
            36 => 0x589965cc75374cc1, 23; 37 => 0x1d8e4e27c47d124d, 25; 38 => 0xff51afd7ed558ccb, 27;
            39 => 0xc4ceb9fe1a85ec51, 29; 40 => 0x87c37b91114253d3, 31; 41 => 0x4cf5ad432745937d, 2;
            42 => 0x52dce729da3eb, 4; 43 => 0x38495ab5d3d1e0b1, 6; 44 => 0x7fb5d329728ea183, 8;
            45 => 0x81dadef4bc2dd44b, 10; 46 => 0xd35a2d97b2a2a8bf, 12; 47 => 0x3c79ac492ba7b651, 14;
            48 => 0x1c69b3f74ac4ae33, 16; 49 => 0x2127599bf4325c35, 18; 50 => 0x880355f21e6d1963, 20;
            51 => 0x94d049bb133111e9, 22; 52 => 0x6c8e9cf570932bd3, 24; 53 => 0x5851f42d4c957f2b, 26;
            54 => 0x14057b7ef767814d, 28; 55 => 0xda942042e4dd58b3, 30; 56 => 0x9fb21c651e98df23, 1;
            57 => 0xc2b2ae3d27d4eb4d, 3; 58 => 0x165667b19e3779f7, 5; 59 => 0x27d4eb2f165667c3, 7;
            60 => 0x9e3779b97f4a7c13, 9; 61 => 0xbf58476d1ce4e5b7, 11; 62 => 0x94d049bb133111e7, 13;
            63 => 0x2545f4914f6cdd1b, 15;
        );
    }
    x
}

/// Reaches the planted code from a call site when planted; no code at all otherwise.
#[inline(always)]
pub fn touch(seed: u64) {
    if PLANTED {
        core::hint::black_box(size_growth(core::hint::black_box(seed)));
    }
}
