import CArmadillo

/// The BLAS underneath ``Tensor/matmul(_:transposeSelf:transposeOther:)``: OpenBLAS, and which
/// of its kernel families is active.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent AMD CPUs and falls back to AVX2 ("Haswell")
/// kernels even where AVX-512 exists. This library switches OpenBLAS to its AVX-512 ("SkylakeX")
/// kernels when the process loads, but only when the CPU and the OS support AVX-512, and never when
/// `OPENBLAS_CORETYPE` is set (your choice wins) or `ORL_BLAS_AUTOTUNE=0`. Any program linking the
/// library gets this without calling anything; ``ensureFastPath()`` exists for explicitness.
public enum BLASRuntime {
    /// The active OpenBLAS kernel family, e.g. "SkylakeX" or "Haswell".
    public static var coreName: String { String(cString: orl_blas_corename()) }

    /// Whether the CPU (and OS) support the AVX-512 kernels.
    public static var cpuSupportsAVX512: Bool { orl_cpu_supports_avx512() != 0 }

    /// Makes sure the fastest supported kernels are active; returns whether this process switched.
    @discardableResult
    public static func ensureFastPath() -> Bool { orl_blas_ensure_fast_path() != 0 }

    /// The selection rule applied at start-up, runnable again (after ``selectCore(_:)``): moves a
    /// CPU with AVX-512 off a non-AVX-512 kernel family unless the user set `OPENBLAS_CORETYPE`.
    /// - Returns: whether it switched.
    @discardableResult
    public static func upgradeKernels() -> Bool { orl_blas_upgrade_kernels() != 0 }

    /// Whether `OPENBLAS_CORETYPE` was set when the process started (then it is never overridden).
    public static var userChoseCore: Bool { orl_blas_user_chose_core() != 0 }

    /// Switches to a named kernel family for comparisons inside one process ("SkylakeX", "Haswell",
    /// "Zen", "Sandybridge", ...). Refuses families the CPU lacks. Waits for BLAS calls other
    /// threads have in flight, and holds new ones back until the switch is done.
    /// - Returns: whether the switch happened.
    @discardableResult
    public static func selectCore(_ name: String) -> Bool { orl_blas_select_core(name) == ORL_OK.rawValue }

    /// The number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(orl_blas_num_threads()) }
        set { orl_blas_set_num_threads(Int32(newValue)) }
    }

    /// Holds OpenBLAS at one thread until the matching ``endSingleThreaded()``, for code that
    /// splits its products across cores itself (the trainers, with ``Tensor/parallelGemm(_:_:into:transposeA:transposeB:alpha:beta:split:)``).
    ///
    /// Holds nest and may be taken from several threads at once, such as trainers running side by
    /// side in one process: the first hold sets one thread, the last ``endSingleThreaded()``
    /// restores the count the first hold found, and no change of the count races another. Every
    /// change of the count waits for the BLAS calls (products, decompositions) other threads have
    /// in flight, so OpenBLAS's threads never stop under a call using them. A thread that sets
    /// ``threads`` itself while holds are taken changes it for every holder.
    public static func beginSingleThreaded() { orl_blas_single_thread_begin() }

    /// Releases a hold taken by ``beginSingleThreaded()``.
    public static func endSingleThreaded() { orl_blas_single_thread_end() }

    /// Runs `body` with OpenBLAS on `count` threads and restores the previous count afterwards,
    /// also when `body` throws (the count is process-wide). One thread is a counted hold
    /// (``beginSingleThreaded()``), so it is safe beside trainers on other threads.
    public static func withThreads<T, E: Error>(_ count: Int, _ body: () throws(E) -> T) throws(E) -> T {
        if count == 1 {
            beginSingleThreaded()
            defer { endSingleThreaded() }
            return try body()
        }
        let saved = threads
        threads = count
        defer { threads = saved }
        return try body()
    }
}
