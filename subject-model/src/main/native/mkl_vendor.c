/*
 * The MKL linked into libtorch picks its GEMM kernels by CPU vendor: on a CPU that does not report
 * "GenuineIntel" it runs the AVX2 code path even when the CPU has AVX-512 (AMD Zen 4 and 5 do). libtorch calls
 * this MKL service function through its dynamic symbol table, so a definition loaded into the global scope first
 * (RTLD_GLOBAL, before libtorch) answers instead. lantern.subject.MklDispatch loads this library only on CPUs that
 * have the AVX-512 subsets those kernels use (F, DQ, BW, VL). See README "Speed".
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
