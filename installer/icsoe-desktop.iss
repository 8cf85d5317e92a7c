; Inno Setup 6.3+ (or 7) script: the Windows installer of icsoe-desktop, built from the
; PyInstaller bundle dist\icsoe-desktop\ (build_installer.spec).
;
;   python installer\build.py                       (bundle, self-check, then this script)
;   iscc /DAppVersion=0.1.0 installer\icsoe-desktop.iss   (by hand, after pyinstaller)
;   python installer/wine_build.py                  (Linux: ISCC under Wine, README)
;
; /DBundleDir=DIR packs another bundle folder (CI packs an older test build with it).
; /DEditorCert=FILE.pem: the publisher certificate the installed app pins (firma-editor.pem in
; the program folder): it runs an update only when its Authenticode signature chains to it
; (icsoe_desktop/services/sync/autenticode.py). installer/firma_codigo.py signs with it.
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
;   user's data too; the default answer (and a silent uninstall) keeps it. A silent uninstall
;   deletes it only when given /BORRARDATOS (unins000.exe /VERYSILENT /BORRARDATOS).
; - icsoe:// links (the capturista's activation link) open the app: the URL protocol is
;   registered for the current user (HKCU\Software\Classes\icsoe) and removed on uninstall.
; - The licences of the libraries shipped with it that ask for their notice in the
;   distribution (SQLCipher and the OpenSSL linked into it) are in the bundle's
;   resources\licencias\ folder, installed with the program.
; - /FIRMAEMPRESA=C:\ruta\empresa.pem: IT pins the company's own code-signing certificate
;   (firma-empresa.pem in the program folder) beside the vendor's; an upgrade keeps it, the
;   uninstaller removes it. A path that is not a PEM certificate stops Setup before anything.

#ifndef AppVersion
  #error Falta la versión: compila con  iscc /DAppVersion=X.Y.Z installer\icsoe-desktop.iss  (installer\build.py lo hace)
#endif

#ifndef BundleDir
  #define BundleDir "..\dist\icsoe-desktop"
#endif

; /DCompression=zip/1: CI's test build (installer/wine_check.py), minutes faster.
#ifndef Compression
  #define Compression "lzma2"
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
; %LOCALAPPDATA%\Programs is where {autopf} points in a per-user install (FOLDERID_UserProgramFiles),
; written out because Wine, where CI runs this installer, lacks that known folder.
DefaultDirName={localappdata}\Programs\{#AppName}
UsePreviousAppDir=yes
DisableDirPage=auto
DisableProgramGroupPage=yes
DisableReadyPage=no
; The PyInstaller bundle is 64-bit. Qt 6.11 supports Windows 10 version 1809 or later (Qt's
; «Qt for Windows», Supported Configurations): build 17763. An older Windows 10 gets Setup's
; own message instead of a program that may not start.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile=..\resources\icsoe.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression={#Compression}
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
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#ifdef EditorCert
Source: "{#EditorCert}"; DestDir: "{app}"; DestName: "firma-editor.pem"; Flags: ignoreversion
#endif

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Conexión en línea con IDSE y capturistas ICSOE"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The icsoe:// URL protocol, per user: a link starts  icsoe-desktop.exe "icsoe://...".
; uninsdeletekey on the root key removes the whole tree on uninstall.
Root: HKCU; Subkey: "Software\Classes\icsoe"; ValueType: string; ValueName: ""; ValueData: "URL:Enlace de {#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\icsoe"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\icsoe\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\icsoe\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
; The app's own update (services/sync/actualizacion.py) runs this installer /SILENT /REABRIR:
; the app it closed opens again.
Filename: "{app}\{#AppExe}"; Flags: nowait; Check: SwitchGiven('/REABRIR')

[UninstallDelete]
; Python may leave files in the program folder at run time; the data dir is NOT listed here.
Type: filesandordirs; Name: "{app}\_internal"
Type: files; Name: "{app}\firma-empresa.pem"
Type: dirifempty; Name: "{app}"

[Code]
{ A switch of ours on Setup's or the uninstaller's command line: /REABRIR (Setup: start the
  app at the end), /BORRARDATOS (uninstaller: delete the data without asking). }
function SwitchGiven(Name: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Name) = 0 then
      Result := True;
end;

{ /FIRMAEMPRESA=file: the company's code-signing certificate (PEM), checked before anything
  is installed, copied into the program folder after. }
function FirmaEmpresa(): String;
begin
  Result := ExpandConstant('{param:FIRMAEMPRESA|}');
end;

function InitializeSetup(): Boolean;
var
  Pem: AnsiString;
begin
  Result := True;
  if FirmaEmpresa() = '' then
    Exit;
  if not LoadStringFromFile(FirmaEmpresa(), Pem) or (Pos('-----BEGIN CERTIFICATE-----', Pem) = 0) then
  begin
    SuppressibleMsgBox('/FIRMAEMPRESA: ' + FirmaEmpresa() + ' no es un certificado PEM ' +
      '(-----BEGIN CERTIFICATE-----). No se instaló nada.', mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and (FirmaEmpresa() <> '') then
    if not FileCopy(FirmaEmpresa(), ExpandConstant('{app}\firma-empresa.pem'), False) then
      SuppressibleMsgBox('No se pudo copiar ' + FirmaEmpresa() + ' a la carpeta del programa: ' +
        'las actualizaciones firmadas por la empresa no se aceptarán.', mbError, MB_OK, IDOK);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#DataDir}');
  if not DirExists(DataDir) then
    Exit;
  { Default button No; a silent uninstall (/SUPPRESSMSGBOXES) answers No: data is kept,
    unless /BORRARDATOS asked for its deletion. }
  if SwitchGiven('/BORRARDATOS') or (SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteUserData'), [DataDir]),
       mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES) then
  begin
    if not DelTree(DataDir, True, True, True) then
      SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteUserDataFailed'), [DataDir]),
        mbError, MB_OK, IDOK);
  end;
end;
