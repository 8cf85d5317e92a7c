; Inno Setup 6.3+ (or 7) script: the Windows installer of icsoe-desktop, built from the
; PyInstaller bundle dist\icsoe-desktop\ (build_installer.spec).
;
;   python installer\build.py                       (bundle, self-check, then this script)
;   iscc /DAppVersion=0.1.0 installer\icsoe-desktop.iss   (by hand, after pyinstaller)
;
; The version is pyproject.toml's [project] version, passed in by installer\build.py.
; Output: dist\icsoe-desktop-<version>-instalador.exe
;
; - Per user, no administrator rights: PrivilegesRequired=lowest installs into
;   %LOCALAPPDATA%\Programs\icsoe-desktop ({autopf} is {userpf} in that mode).
; - The AppId never changes: a newer installer replaces the older version in place, in the
;   same folder. The user's data (%LOCALAPPDATA%\icsoe-desktop: database, settings, log) is
;   outside the program folder and is never touched by an upgrade; the app migrates the
;   database on its next start.
; - The uninstaller removes the program and its shortcuts, then asks whether to delete the
;   user's data too; the default answer (and a silent uninstall) keeps it.

#ifndef AppVersion
  #error Falta la versión: compila con  iscc /DAppVersion=X.Y.Z installer\icsoe-desktop.iss  (installer\build.py lo hace)
#endif

#define AppName "icsoe-desktop"
#define AppExe "icsoe-desktop.exe"
; platformdirs.user_data_dir("icsoe-desktop", appauthor=False) on Windows (paths.py)
#define DataDir "{localappdata}\icsoe-desktop"

[Setup]
; Fixed forever: it is how Windows and Inno Setup recognise an installed older version.
AppId={{F424B6A4-486B-49F9-84BC-36DB21D4D3CD}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription=Instalador de {#AppName}
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
UsePreviousAppDir=yes
DisableDirPage=auto
DisableProgramGroupPage=yes
DisableReadyPage=no
; The PyInstaller bundle is 64-bit and Qt 6 needs Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\resources\icsoe.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-instalador
; Close a running icsoe-desktop (Restart Manager) before replacing its files.
CloseApplications=yes

[Languages]
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[CustomMessages]
spanish.DeleteUserData=¿Eliminar también tus datos de icsoe-desktop?%n%n%1%n%nContiene la base de datos (usuarios, registros patronales, certificados), la configuración y el registro técnico. Si eliges «No», se conservan y la aplicación los vuelve a usar si la instalas de nuevo.
spanish.DeleteUserDataFailed=No se pudo eliminar por completo la carpeta %1. Puedes borrarla a mano.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: libraries the new version no longer ships must not
; linger beside the new ones. Only the program folder; the user's data lives elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; Both executables (the windowed one and icsoe-desktop-consola.exe for the command line) and
; the _internal folder.
Source: "..\dist\icsoe-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Conexión en línea con IDSE y capturistas ICSOE"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may leave files in the program folder at run time; the data dir is NOT listed here.
Type: filesandordirs; Name: "{app}\_internal"
Type: dirifempty; Name: "{app}"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#DataDir}');
  if not DirExists(DataDir) then
    Exit;
  { Default button No; a silent uninstall (/SUPPRESSMSGBOXES) answers No: data is kept. }
  if SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteUserData'), [DataDir]),
       mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES then
  begin
    if not DelTree(DataDir, True, True, True) then
      SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteUserDataFailed'), [DataDir]),
        mbError, MB_OK, IDOK);
  end;
end;
