; CNAPS Desktop: the Windows installer (Inno Setup 6).
;
; Built by installer/windows/build_windows.ps1, which runs PyInstaller first and then:
;   iscc /DAppVersion=0.1.0 /DFlavour=cpu /DBundleDir=<dist\cnaps-desktop> /DIconFile=<.ico> ^
;        /DAssociations=<associations.iss> /DOutputDir=<folder> installer\windows\cnaps_desktop.iss
;
; Two flavours, one script: Flavour=cpu bundles the CPU build of torch (runs everywhere);
; Flavour=cuda bundles a CUDA build (NVIDIA GPUs; the CPU still works as a fallback). They share
; one AppId, so installing one replaces the other.
;
; What it does: installs per user (no administrator needed) or for all users, a Start-menu entry,
; an optional desktop shortcut, "Open with CNAPS Desktop" for photos and videos (never taking
; over the default program), and an uninstaller that removes the program, its shortcuts, its
; file-type entries, the cache and the logs, and keeps the person's models and settings unless
; they say otherwise (or pass /PURGE to a silent uninstall).

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (build_windows.ps1 does).
#endif
#ifndef Flavour
  #define Flavour "cpu"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\cnaps-desktop"
#endif
#ifndef IconFile
  #define IconFile "..\build\icons\cnaps-desktop.ico"
#endif
#ifndef Associations
  #define Associations "..\build\associations.iss"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif

#define AppName "CNAPS Desktop"
#define GuiExe "CNAPS Desktop.exe"
#define ConsoleExe "cnaps-desktop.exe"
; The per-user folders come from platformdirs (cnaps_desktop/paths.py): app "CNAPS Desktop",
; author "CNAPS", local (not roaming) app data.
#define UserDataDir "{localappdata}\CNAPS\CNAPS Desktop"
#define SettingsKey "Software\CNAPS\CNAPS Desktop"

#if Flavour == "cuda"
  #define FlavourName "NVIDIA GPU (CUDA)"
#elif Flavour == "cpu"
  #define FlavourName "CPU"
#else
  #error Flavour must be cpu or cuda.
#endif

[Setup]
AppId={{6A0C9B52-3F1D-4E8A-9C27-5B1E0D4F7A13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion} ({#FlavourName})
AppPublisher=CNAPS Desktop contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=CNAPS-Desktop-{#AppVersion}-windows-x64-{#Flavour}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName} ({#FlavourName})
WizardStyle=modern
ChangesAssociations=yes
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes
LZMANumBlockThreads=4
#ifdef Sign
; build_windows.ps1 defines the "cnapssign" tool (signtool with the certificate) when
; WINDOWS_SIGN_PFX is set; the installer and its uninstaller are then signed.
SignTool=cnapssign
SignedUninstaller=yes
#endif
#if Flavour == "cuda"
; The CUDA libraries make this flavour too big for one file on release pages (2 GB each):
; Setup.exe comes with Setup-N.bin slices, to be downloaded into the same folder.
DiskSpanning=yes
DiskSliceSize=1900000000
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "openwith"; Description: "Add ""Open with CNAPS Desktop"" to photos and videos"; GroupDescription: "File types:"

[InstallDelete]
; A previous version or the other flavour may have left libraries this build does not have.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "Restore blurry photos and video frames"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

#include Associations

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Throw-away data of the app: always removed.
Type: filesandordirs; Name: "{#UserDataDir}\Cache"
Type: filesandordirs; Name: "{#UserDataDir}\Logs"

[Code]
function PurgeRequested(): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), '/PURGE') = 0 then
      Result := True;
end;

function RemoveUserData(): Boolean;
var
  Folder: String;
begin
  Folder := ExpandConstant('{#UserDataDir}');
  if not DirExists(Folder) then
    Result := PurgeRequested()
  else if UninstallSilent() then
    Result := PurgeRequested()
  else
    Result := MsgBox('Also delete your CNAPS Desktop models and settings?' + #13#10#13#10 +
      'Your downloaded and imported models are in:' + #13#10 + Folder + #13#10#13#10 +
      'Choose No to keep them for a later installation.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
  begin
    if RemoveUserData() then
    begin
      DelTree(ExpandConstant('{#UserDataDir}'), True, True, True);
      RegDeleteKeyIncludingSubkeys(HKCU, '{#SettingsKey}');
    end;
    { Only when nothing else is left in them. }
    RemoveDir(ExpandConstant('{#UserDataDir}'));
    RemoveDir(ExpandConstant('{localappdata}\CNAPS'));
  end;
end;
