/* bcryptprimitives.dll for a Wine prefix: Windows 10 has it, Wine 8 does not.
 *
 * Rust's standard library (1.78 and later) takes its random numbers from ProcessPrng, so every
 * Rust extension the app imports (cryptography, uuid_utils, rustpy_xlsxwriter) needs this DLL to
 * load. ProcessPrng is the system RNG; Wine has that as BCryptGenRandom.
 *
 * Built by installer/windows_wine.py with Debian's gcc-mingw-w64-x86-64 and placed in the
 * prefix's system32, where Windows keeps its own: PyInstaller leaves it out of the bundle. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
