; NSIS additions (electron-builder includes build/installer.nsh by itself).
; Windows only: PFN Lab appears under "Open with" for .ts scenario files without
; taking over the .ts default (an editor or IDE owns that; electron-builder's
; fileAssociations would replace it, so .ts is not in win.fileAssociations).
; Per-user or per-machine follows the install mode (SHCTX).

!macro customInstall
  WriteRegStr SHCTX "Software\Classes\PFNLab.Scenario" "" "PFN Lab scenario"
  WriteRegStr SHCTX "Software\Classes\PFNLab.Scenario\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\PFNLab.Scenario\shell\open" "" "Open with PFN Lab"
  WriteRegStr SHCTX "Software\Classes\PFNLab.Scenario\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHCTX "Software\Classes\.ts\OpenWithProgids" "PFNLab.Scenario" ""
  ; SHCNE_ASSOCCHANGED: Explorer rereads the associations
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

!macro customUnInstall
  DeleteRegValue SHCTX "Software\Classes\.ts\OpenWithProgids" "PFNLab.Scenario"
  DeleteRegKey SHCTX "Software\Classes\PFNLab.Scenario"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend
