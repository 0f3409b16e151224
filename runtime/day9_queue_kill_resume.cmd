@echo off
REM The guide's queue crash drill (see day9_queue_kill_resume.sh). Needs Java 17 and a built executor\target\day9.jar.
java -jar "%~dp0..\executor\target\day9.jar" queue kill-resume %*
