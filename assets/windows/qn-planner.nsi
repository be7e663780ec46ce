; qn-planner's Windows installer, per user: no administrator rights needed.
; Built on Linux with NSIS (Debian's `nsis`) by .ci/windows/package:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DSTAGE=DIR -DOUTFILE=qn-planner-setup.exe qn-planner.nsi
; (wixl 0.101, the MSI route, crashes on Vietnamese strings: see README "Windows".)
; Installs qn-planner.exe into %LOCALAPPDATA%\Programs\qn-planner, a Start-menu entry with the
; icon and the Vietnamese name, "Open with qn-planner" for .gpkg files, and an entry in
; Settings > Apps. Silent: `qn-planner-setup.exe /S` and `uninstall.exe /S`. Uninstalling
; removes exactly these and never the planner's projects or settings (they live in
; %LOCALAPPDATA%\QuangNinh\qn-planner\data, %APPDATA%\QuangNinh\qn-planner\config and wherever
; the planner saved them).

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "give -DVERSION=x.y.z"
!endif
!ifndef STAGE
  !error "give -DSTAGE=folder holding qn-planner.exe, LICENCES.txt and qn-planner.ico"
!endif
!ifndef OUTFILE
  !define OUTFILE "qn-planner-setup.exe"
!endif

!define APPNAME "Quy hoạch công nghiệp Quảng Ninh"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\qn-planner"
!define PROGID "qn-planner.gpkg"

Name "qn-planner — ${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\qn-planner"
InstallDirRegKey HKCU "Software\QuangNinh\qn-planner" "InstallDir"
Icon "${STAGE}\qn-planner.ico"
UninstallIcon "${STAGE}\qn-planner.ico"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "qn-planner"
VIAddVersionKey /LANG=0 "FileDescription" "qn-planner — ${APPNAME} (cài đặt)"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT OR Apache-2.0"

!include "MUI2.nsh"
!define MUI_ICON "${STAGE}\qn-planner.ico"
!define MUI_UNICON "${STAGE}\qn-planner.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\qn-planner.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

Section "qn-planner"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${STAGE}\qn-planner.exe"
  File "${STAGE}\LICENCES.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\QuangNinh\qn-planner" "InstallDir" "$INSTDIR"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\qn-planner.exe" "" "$INSTDIR\qn-planner.exe" 0 SW_SHOWNORMAL "" "qn-planner: bản đồ quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh"

  ; "Open with qn-planner" for GeoPackages, without taking .gpkg from QGIS.
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "GeoPackage (qn-planner)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\qn-planner.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open" "FriendlyAppName" "qn-planner"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\qn-planner.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\.gpkg\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\qn-planner.exe\SupportedTypes" ".gpkg" ""
  WriteRegStr HKCU "Software\Classes\Applications\qn-planner.exe\shell\open\command" "" '"$INSTDIR\qn-planner.exe" "%1"'

  ; Settings > Apps.
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "qn-planner — ${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "qn-planner"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\qn-planner.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ; SHCNE_ASSOCCHANGED: Explorer rereads the file associations.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$INSTDIR\qn-planner.exe"
  Delete "$INSTDIR\LICENCES.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegValue HKCU "Software\Classes\.gpkg\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\.gpkg\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\.gpkg"
  DeleteRegKey HKCU "Software\Classes\Applications\qn-planner.exe"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegValue HKCU "Software\QuangNinh\qn-planner" "InstallDir"
  DeleteRegKey /ifempty HKCU "Software\QuangNinh\qn-planner"
  DeleteRegKey /ifempty HKCU "Software\QuangNinh"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
