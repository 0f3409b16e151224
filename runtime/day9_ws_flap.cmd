@echo off
REM The guide's WebSocket flap switch (see day9_ws_flap.sh): day9_ws_flap.cmd [seconds^|off^|once]
REM Default: CHAOS_WS_FLAP_SEC, else 10. Needs Java 17 and a built executor\target\day9.jar.
setlocal
set ARG=%~1
if "%ARG%"=="" set ARG=%CHAOS_WS_FLAP_SEC%
if "%ARG%"=="" set ARG=10
java -jar "%~dp0..\executor\target\day9.jar" chaos flap %ARG% %2 %3 %4 %5 %6 %7 %8 %9
exit /b %ERRORLEVEL%
