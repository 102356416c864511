; Inno Setup 6 script: a Windows installer around the PyInstaller folder.
; Built by packaging/build.py on Windows (iscc /DAppVersion=X.Y.Z /Odist ...),
; after the spec has frozen the app into build\packaging\dist\neural-playground.
; Not built or tested on Linux: see packaging/README.md.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 neural-playground.iss
#endif

[Setup]
; AppId identifies the app for upgrades and uninstall: never change it.
AppId={{6F1B8E0C-3C55-4E38-9B7A-4E2B0D6C9A51}
AppName=Neural Playground
AppVersion={#AppVersion}
AppVerName=Neural Playground {#AppVersion}
DefaultDirName={autopf}\Neural Playground
DefaultGroupName=Neural Playground
DisableProgramGroupPage=yes
; A person without admin rights can still install (just for themselves).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename=neural-playground-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
UninstallDisplayIcon={app}\neural-playground.exe
SourceDir=..\..\build\packaging\dist\neural-playground

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Neural Playground"; Filename: "{app}\neural-playground.exe"
Name: "{autodesktop}\Neural Playground"; Filename: "{app}\neural-playground.exe"; Tasks: desktopicon

[Registry]
; .playground files open in the app (double-click passes the path as %1).
Root: HKA; Subkey: "Software\Classes\.playground\OpenWithProgids"; ValueType: string; ValueName: "NeuralPlayground.Experiment"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\NeuralPlayground.Experiment"; ValueType: string; ValueName: ""; ValueData: "Neural Playground experiment"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\NeuralPlayground.Experiment\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\neural-playground.exe,0"
Root: HKA; Subkey: "Software\Classes\NeuralPlayground.Experiment\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\neural-playground.exe"" ""%1"""

[Run]
Filename: "{app}\neural-playground.exe"; Description: "{cm:LaunchProgram,Neural Playground}"; Flags: nowait postinstall skipifsilent
