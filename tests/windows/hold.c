/* Tests under Wine only: holds a file open the way Excel holds a workbook (read and write,
 * sharing nothing) for a given time, as another Windows program would while qn-planner
 * tries to replace it. Usage: hold.exe FILE MILLISECONDS. Prints "held" once it holds it. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hold FILE MILLISECONDS\n");
        return 2;
    }
    HANDLE h = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "cannot open: error %lu\n", GetLastError());
        return 1;
    }
    printf("held\n");
    fflush(stdout);
    Sleep((DWORD)_wtoi(argv[2]));
    CloseHandle(h);
    return 0;
}
