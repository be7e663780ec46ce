/* Tests under Wine only, never shipped: Rust's standard library (>= 1.78) asks Windows for
 * random bytes through ProcessPrng in bcryptprimitives.dll, which Windows 10/11 have and
 * Wine 8 lacks. This stand-in, built by tests/it/windows.rs with mingw-w64 and placed beside the
 * test's copy of qn-planner.exe, answers it with RtlGenRandom (advapi32's SystemFunction036). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
