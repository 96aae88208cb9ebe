//! 128 bits of a file's bytes, to tell whether it changed without keeping or rereading
//! it: a photo read by the build (`source`), and each file smpsite writes into the output
//! (`output`'s manifest and serve's folder). Two 64-bit foldhash values with fixed seeds:
//! the same bytes give the same fingerprint in every run and on every machine. Not a
//! cryptographic hash: it tells an edit or a copied record, not a deliberate forgery.

use std::hash::BuildHasher;

/// The fingerprint of `bytes`.
pub(crate) fn of(bytes: &[u8]) -> u128 {
    let hash = |seed: u64| foldhash::quality::FixedState::with_seed(seed).hash_one(bytes);
    (u128::from(hash(0x243f_6a88_85a3_08d3)) << 64) | u128::from(hash(0x1319_8a2e_0370_7344))
}
