/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Go programs under
 * Wine 8.0 (Debian 12). Since Go 1.24 the Windows runtime draws its random
 * numbers from ProcessPrng in bcryptprimitives.dll, which Wine 8.0 lacks: the
 * program dies at start with "bcryptprimitives.dll not found". Real Windows
 * (8 and later) and newer Wine have the DLL; nothing here ships with spotray.
 *
 * ProcessPrng fills the buffer and, as documented, always succeeds; the
 * system RNG behind BCryptGenRandom is what Windows uses for it too.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll \
 *            bcryptprimitives.c -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		/* BCryptGenRandom takes a ULONG length. */
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
